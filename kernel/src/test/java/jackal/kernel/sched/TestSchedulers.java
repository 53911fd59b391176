package jackal.kernel.sched;

import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.util.function.Consumer;

/**
 * Builds schedulers that are never started, for tests that need CPUs, their transactions and ready
 * queues but no dispatch threads.
 *
 * <p>The constructor is looked up by reflection and filled by parameter type (the two ints are the
 * CPU count and CPUs per node, every long is a zero duration, the Consumer is a no-op body, the
 * PrintStream is stderr), so these tests keep compiling while the constructor gains tuning
 * parameters. An unstarted scheduler never reads the durations.
 */
public final class TestSchedulers {
  private TestSchedulers() {}

  public static Scheduler unstarted(int ncpus, int cpusPerNode) {
    Constructor<?>[] cs = Scheduler.class.getConstructors();
    if (cs.length != 1) {
      throw new IllegalStateException(
          "expected one public Scheduler constructor, found " + cs.length);
    }
    Class<?>[] types = cs[0].getParameterTypes();
    Object[] args = new Object[types.length];
    int ints = 0;
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == int.class) {
        args[i] = ints++ == 0 ? ncpus : cpusPerNode;
      } else if (t == long.class) {
        args[i] = 0L;
      } else if (t == Consumer.class) {
        args[i] = (Consumer<Object>) p -> {};
      } else if (t == PrintStream.class) {
        args[i] = System.err;
      } else {
        throw new IllegalStateException("unexpected Scheduler constructor parameter " + t);
      }
    }
    if (ints != 2) {
      throw new IllegalStateException("expected (ncpus, cpusPerNode, ...) in " + cs[0]);
    }
    try {
      return (Scheduler) cs[0].newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
