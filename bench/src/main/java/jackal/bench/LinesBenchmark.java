package jackal.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a cache line taken from the other core costs inside a cross-core round trip, to read a
 * cross-CPU call's time in lines (docs/BENCHMARKS.md, "A cross-CPU call: what a leg costs in
 * lines"). Two spinning platform threads hand a request word and a reply word back and forth, as
 * {@link BaselineBenchmark#crossCorePingpong} does, and before each hand-over each side also locks
 * and unlocks {@code lines} lock words (a compare-and-set from 0, then a release store of 0, the
 * way {@code Transaction} takes and drops a kernel object's lock), each on a cache line of its own
 * that the other side locked last; or, {@code chained}, follows them as a list whose links the
 * other side wrote last. With 0 lines this is a raw ping-pong (its request and reply on two lines);
 * the slope over {@code lines} is the price of one more line per leg on this host, in this sitting:
 * fetched side by side when the addresses are known ({@code independent}), one after the other when
 * each address comes from the line before ({@code chained}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinesBenchmark extends LauncherFork {
  static final int BATCH = IpcBenchmark.BATCH;

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  /**
   * Where the word of each padded array lies: 8 longs (64 bytes) after the array's header, and 8
   * after it, so no two words (and neither hand-over word) share a cache line or an adjacent pair.
   */
  private static final int WORD = 8;

  private static long[] paddedWord() {
    return new long[2 * WORD + 1];
  }

  /**
   * A thread that answers every request after touching the lines itself: {@code independent}, it
   * locks and unlocks each one, all their addresses known in advance (so the core may fetch them at
   * once); {@code chained}, it follows them as a list, each line holding the index of the next, and
   * rewrites each (so every fetch waits for the one before it, as a kernel walking from an endpoint
   * to its recipient process to its parameter block does).
   */
  @State(Scope.Benchmark)
  public static class Echo {
    @Param({"0", "1", "2", "4", "8"})
    int lines;

    @Param({"independent", "chained"})
    String walk;

    long[][] locks;
    final long[] request = paddedWord();
    final long[] reply = paddedWord();
    volatile boolean stop;
    long seq;
    Thread thread;

    @Setup(Level.Trial)
    public void start() {
      locks = new long[lines + 1][];
      for (int i = 0; i <= lines; i++) {
        locks[i] = paddedWord();
      }
      // For the chained walk: line i names line i + 1; the last one names the end (lines).
      for (int i = 0; i < lines; i++) {
        locks[i][WORD + 1] = i + 1;
      }
      boolean chained = walk.equals("chained");
      thread =
          Thread.ofPlatform()
              .daemon(true)
              .name("cross-core-lines-echo")
              .start(
                  () -> {
                    long seen = 0;
                    while (!stop) {
                      long r = (long) LONGS.getAcquire(request, WORD);
                      if (r != seen) {
                        seen = r;
                        if (chained) {
                          chase(locks, lines);
                        } else {
                          lockAndUnlock(locks, lines, 2);
                        }
                        LONGS.setRelease(reply, WORD, r);
                      } else {
                        Thread.onSpinWait();
                      }
                    }
                  });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      stop = true;
      thread.join();
    }
  }

  /** Takes and drops the first {@code n} locks in turn, as owner {@code id}. */
  static void lockAndUnlock(long[][] locks, int n, long id) {
    for (int i = 0; i < n; i++) {
      long[] lock = locks[i];
      if (!LONGS.compareAndSet(lock, WORD, 0L, id)) {
        throw new IllegalStateException("a lock word was held across a hand-over");
      }
      LONGS.setRelease(lock, WORD, 0L);
    }
  }

  /**
   * Follows the list from line 0 for {@code n} lines: reads each line's next index (which the other
   * side wrote last) and writes it back, so the line is this core's for the other side to fetch.
   */
  static void chase(long[][] locks, int n) {
    int i = 0;
    for (int k = 0; k < n; k++) {
      long[] line = locks[i];
      long next = (long) LONGS.getAcquire(line, WORD + 1);
      LONGS.setRelease(line, WORD + 1, next);
      i = (int) next;
    }
    if (i != n) {
      throw new IllegalStateException("the list ended at " + i + ", not " + n);
    }
  }

  /**
   * One round trip: touch the lines (as {@link Echo#walk} says), write the request, spin until the
   * reply comes back (the other side has touched them in between).
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long roundTrip(Echo s) {
    long seq = s.seq;
    long[][] locks = s.locks;
    int n = s.lines;
    boolean chained = s.walk.equals("chained");
    for (int i = 0; i < BATCH; i++) {
      if (chained) {
        chase(locks, n);
      } else {
        lockAndUnlock(locks, n, 1);
      }
      LONGS.setRelease(s.request, WORD, ++seq);
      while ((long) LONGS.getAcquire(s.reply, WORD) != seq) {
        Thread.onSpinWait();
      }
    }
    s.seq = seq;
    return seq;
  }
}
