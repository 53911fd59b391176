#!/usr/bin/env python3
"""Where a restart of a persistent system spends its time (docs/PERSISTENCE.md, section 6).

usage: restart-cycle.py BASE RUNS -- JAVA_COMMAND...
  BASE          a store holding a running system (e.g. the ledger killed a few seconds after it
                booted: ./jackal run examples/ledger/ledger.mki --store BASE, then kill -9)
  JAVA_COMMAND  the java command line that runs jackal.cli.Main (as ./jackal builds it)

For each run, with and without the verified-program cache in turn (--no-program-cache, or
--program-cache of a directory the first cached run fills), a copy of BASE is resumed with
`run --store COPY --checkpoint-every 40 --cpus 2` and timed from the JVM's start: to the
"jackal: resuming" line (JVM start, store open and recovery), and to the first generation
committed after BASE's (read from the store's header copies). The child is then killed.
Kernel-log lines "checkpoint abandoned" are counted. Prints one line per run and the medians.
"""
import os, shutil, statistics, struct, subprocess, sys, tempfile, threading, time

def generation(store):
    try:
        with open(os.path.join(store, 'jackal.store'), 'rb') as f:
            b = f.read(8192)
        return max(struct.unpack('>Q', b[16:24])[0], struct.unpack('>Q', b[4112:4120])[0])
    except (OSError, struct.error):
        return -1

def once(base, java, cache, work):
    d = os.path.join(work, 'store')
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(base, d, ignore=shutil.ignore_patterns('programs'))
    g0 = generation(d)
    cmd = java + ['run', '--store', d, '--checkpoint-every', '40', '--cpus', '2']
    cmd += ['--no-program-cache'] if cache is None else ['--program-cache', cache]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = {'resuming': None, 'abandoned': 0}
    def read():
        for line in p.stdout:
            if line.startswith('jackal: resuming') and seen['resuming'] is None:
                seen['resuming'] = time.monotonic() - t0
            if 'checkpoint abandoned' in line:
                seen['abandoned'] += 1
    t = threading.Thread(target=read, daemon=True)
    t.start()
    first = None
    while time.monotonic() - t0 < 300 and p.poll() is None:
        if generation(d) > g0:
            first = time.monotonic() - t0
            break
        time.sleep(0.01)
    p.kill()
    p.wait()
    t.join(5)
    return seen['resuming'], first, seen['abandoned']

def main():
    base, runs = sys.argv[1], int(sys.argv[2])
    java = sys.argv[sys.argv.index('--') + 1:]
    work = tempfile.mkdtemp(prefix='restart-cycle-')
    cache = os.path.join(work, 'programs')
    rows = {'without cache': [], 'with cache': []}
    once(base, java, cache, work)  # fills the cache
    for i in range(runs):
        for mode, c in (('without cache', None), ('with cache', cache)):
            r = once(base, java, c, work)
            rows[mode].append(r)
            print(f'{mode}: resuming line {r[0]:.2f} s, first commit '
                  f'{"none" if r[1] is None else f"{r[1]:.2f} s"}, cuts abandoned {r[2]}', flush=True)
    for mode, rs in rows.items():
        ok = [r for r in rs if r[1] is not None and r[0] is not None]
        if ok:
            print(f'{mode}: median resuming line {statistics.median(r[0] for r in ok):.2f} s, '
                  f'median first commit {statistics.median(r[1] for r in ok):.2f} s '
                  f'({len(ok)} of {len(rs)} runs)')
    shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__':
    main()
