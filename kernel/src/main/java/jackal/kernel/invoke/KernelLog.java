package jackal.kernel.invoke;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where KernLog output and kernel messages go: whole lines, never interleaved, in the order they
 * were logged.
 *
 * <p>The kernel never writes to the stream itself. A {@link PrintStream} synchronizes on its own
 * monitor, which any code holding the stream can take and keep; a CPU writing to it would then stop
 * with its locks held. So {@link #line} only appends the line to a queue under this log's own lock
 * (held for a few instructions, by kernel code only), and one writer thread copies the queue to the
 * stream. If the stream blocks, only the writer waits; once {@link #CAPACITY} lines are queued,
 * further lines are dropped and counted, and the count is written when the stream moves again.
 */
public final class KernelLog {
  /** Lines queued at most while the stream does not take them. */
  static final int CAPACITY = 10_000;

  private final PrintStream out;
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private long dropped;
  private boolean writing;
  private boolean closed;
  private Thread writer;

  KernelLog(PrintStream out, String name) {
    this.out = out;
    this.name = name;
  }

  /**
   * Queues {@code text} as one line, adding a newline if it lacks one. Never blocks on the stream.
   */
  public void line(String text) {
    append(text.endsWith("\n") ? text : text + "\n");
  }

  /**
   * Queues {@code text} as it is, with no newline added (what a terminal is sent), as one entry
   * that no other entry splits. Never blocks on the stream.
   */
  public void text(String text) {
    append(text);
  }

  private void append(String whole) {
    lock.lock();
    try {
      if (lines.size() >= CAPACITY) {
        dropped++;
        return;
      }
      lines.addLast(whole);
      if (writer == null && !closed) {
        writer = Thread.ofPlatform().name(name).daemon(true).start(this::drain);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** True when every line logged so far has reached the stream. */
  public boolean drained() {
    lock.lock();
    try {
      return lines.isEmpty() && !writing && dropped == 0;
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code timeoutNanos} for the queued lines to reach the stream. */
  public boolean awaitDrained(long timeoutNanos) throws InterruptedException {
    long left = timeoutNanos;
    lock.lock();
    try {
      while (!lines.isEmpty() || writing || dropped != 0) {
        if (left <= 0) {
          return false;
        }
        left = changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes what is queued (waiting a little for it), then ends the writer and waits a little for
   * its thread to end: a closed kernel leaves no thread of its own running (KernelCloseTest found
   * this writer still alive just after close, now and then).
   */
  void close() {
    try {
      awaitDrained(TimeUnit.SECONDS.toNanos(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Thread w;
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
      w = writer;
    } finally {
      lock.unlock();
    }
    if (w != null && w != Thread.currentThread()) {
      try {
        w.join(TimeUnit.SECONDS.toMillis(1)); // bounded: the stream itself may block
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void drain() {
    for (; ; ) {
      String next;
      long lost;
      lock.lock();
      try {
        while (lines.isEmpty() && dropped == 0) {
          if (closed) {
            writer = null;
            return;
          }
          changed.awaitUninterruptibly();
        }
        lost = dropped;
        dropped = 0;
        next = lines.pollFirst();
        writing = true;
      } finally {
        lock.unlock();
      }
      try {
        if (lost != 0) {
          out.print("jackal: kernel log dropped " + lost + " lines\n");
        }
        if (next != null) {
          out.print(next);
        }
        out.flush();
      } finally {
        lock.lock();
        try {
          writing = false;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }
}
