package jackal.kernel.invoke;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether, and how, SysCtl stopped the whole system. The first request wins; the boot side waits on
 * it to learn that the machine halted and why.
 */
public final class Shutdown {
  public static final int NONE = 0;
  public static final int HALT = 1;
  public static final int POWERDOWN = 2;
  public static final int REBOOT = 3;

  private final AtomicInteger how = new AtomicInteger(NONE);
  private final CountDownLatch done = new CountDownLatch(1);

  /** Records a stop of kind {@code kind}; false if the system was already stopping. */
  boolean request(int kind) {
    if (!how.compareAndSet(NONE, kind)) {
      return false;
    }
    done.countDown();
    return true;
  }

  /** How the system stopped, or {@link #NONE} while it runs. */
  public int how() {
    return how.get();
  }

  /** Waits up to {@code nanos} for a stop; returns how it stopped, or {@link #NONE}. */
  public int await(long nanos) throws InterruptedException {
    done.await(nanos, TimeUnit.NANOSECONDS);
    return how.get();
  }
}
