package jackal.kernel.invoke;

import jackal.kernel.api.FaultCode;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.Cpu;
import jackal.kernel.sched.ProgramContinuation;
import jackal.kernel.sched.Restart;

/**
 * A process's trap gate. Each trap runs the system call as a transaction; when the call must
 * wait, the process's continuation yields with its locks still held, the dispatcher releases them
 * once the process is off the CPU, and the call is re-run from the start when the process is
 * woken (the SP and RP bits say which phases are already done).
 */
final class Gate implements SystemCalls {
  private final Machine machine;
  private final Process process;
  private long seed;

  Gate(Machine machine, Process process) {
    this.machine = machine;
    this.process = process;
    this.seed = 0x9E3779B97F4A7C15L ^ process.oid;
  }

  @Override
  public void trap(ParameterBlock pb) {
    if (pb == null) {
      throw new NullPointerException("parameter block");
    }
    Process p = process;
    int attempts = 0;
    for (;; ) {
      Cpu cpu = onCpu();
      Invocation inv = machine.invocationFor(cpu);
      int outcome;
      try {
        outcome = SystemCall.execute(inv, p, pb);
      } catch (Restart r) {
        cpu.txn.releaseAll();
        cpu.restarts++;
        backoff(++attempts);
        continue;
      } catch (RuntimeException | Error e) {
        cpu.txn.releaseAll();
        throw new IllegalStateException("kernel error in system call of " + p, e);
      }
      if (outcome == SystemCall.DONE) {
        cpu.txn.releaseAll();
        return;
      }
      p.afterYield = outcome == SystemCall.YIELD ? Process.AFTER_REQUEUE : Process.AFTER_BLOCK;
      ProgramContinuation.yieldToDispatcher();
      if (p.program == null) {
        throw ProcessGone.INSTANCE;
      }
      if (outcome == SystemCall.YIELD) {
        return;
      }
      attempts = 0;
    }
  }

  @Override
  public void read(long addr, byte[] dst, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, dst.length);
    access(addr, dst, off, len, false);
  }

  @Override
  public void write(long addr, byte[] src, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, src.length);
    access(addr, src, off, len, true);
  }

  /**
   * A load or store of a byte range, a page at a time, each page one transaction. A fault stops
   * the process; once resumed, it retries the page that faulted.
   */
  private void access(long addr, byte[] buf, int off, int len, boolean forWrite) {
    Process p = process;
    int done = 0;
    int attempts = 0;
    while (done < len) {
      long a = addr + done;
      int n = (int) Math.min(len - done, jackal.kernel.obj.Page.SIZE - (a & (jackal.kernel.obj.Page.SIZE - 1)));
      Cpu cpu = onCpu();
      Invocation inv = machine.invocationFor(cpu);
      int outcome;
      try {
        cpu.txn.lock(p);
        if (p.program == null) {
          outcome = SystemCall.BLOCK;
        } else if (p.faultCode != 0) {
          outcome = Faults.deliver(inv, p);
        } else {
          int fc = inv.walk.walk(machine, cpu.txn, p.addrSpace, a, forWrite, false);
          if (fc != 0) {
            outcome = Faults.take(inv, p, fc, a);
          } else {
            cpu.txn.commit();
            byte[] page = ((jackal.kernel.obj.Page) inv.walk.leaf).bytes;
            int po = (int) inv.walk.offset;
            if (forWrite) {
              System.arraycopy(buf, off + done, page, po, n);
            } else {
              System.arraycopy(page, po, buf, off + done, n);
            }
            outcome = SystemCall.DONE;
          }
        }
      } catch (Restart r) {
        cpu.txn.releaseAll();
        backoff(++attempts);
        continue;
      } catch (RuntimeException | Error e) {
        cpu.txn.releaseAll();
        throw new IllegalStateException("kernel error in memory access of " + p, e);
      }
      if (outcome == SystemCall.DONE) {
        cpu.txn.releaseAll();
        done += n;
        attempts = 0;
        continue;
      }
      p.afterYield = Process.AFTER_BLOCK;
      ProgramContinuation.yieldToDispatcher();
      if (p.program == null) {
        throw ProcessGone.INSTANCE;
      }
    }
  }

  /** Clears the Startup fault a process is created with; the program then starts at its entry. */
  void startup() {
    for (int attempts = 1; ; attempts++) {
      Cpu cpu = onCpu();
      try {
        cpu.txn.lock(process);
        if (process.faultCode == FaultCode.STARTUP) {
          process.faultCode = 0;
          process.faultInfo = 0;
        }
        cpu.txn.releaseAll();
        return;
      } catch (Restart r) {
        cpu.txn.releaseAll();
        backoff(attempts);
      }
    }
  }

  private Cpu onCpu() {
    Cpu cpu = machine.scheduler.cpu(process.homeCpu);
    // Deliberately no Thread.currentThread() here: a process may resume on another CPU's
    // thread, and compiled code may keep the carrier it saw before a yield (see DESIGN-NOTES).
    if (cpu.current() != process) {
      throw new IllegalStateException(
          "the gate of " + process + " was used outside that process's own program");
    }
    return cpu;
  }

  /** Randomised exponential spin after a contended lock; no thread-locals (see onCpu). */
  private void backoff(int attempts) {
    long x = seed;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    seed = x;
    int spins = (int) ((x >>> 1) % (1L << Math.min(attempts, 10)));
    for (int i = 0; i < spins; i++) {
      Thread.onSpinWait();
    }
  }
}
