package jackal.runtime.confined;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Hostile programs, one per thing the verifier refuses, each written the way an attacker would try
 * it from a program. Each must be refused before any of its classes is defined.
 */
@SuppressWarnings({
  "unused",
  "CheckReturnValue",
  "ReturnValueIgnored",
  "SystemExitOutsideMain",
  "WaitNotInLoop",
  "JdkObsolete"
})
public final class Attacks {
  private Attacks() {}

  /** Reflection: find the kernel's trap gate class by name. */
  public static final class ForName implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      Class<?> gate = Class.forName("jackal.kernel.invoke.Gate");
      sys.storeLong(0, gate.getName().length());
    }
  }

  /** Reflection: read the gate's fields. */
  public static final class DeclaredFields implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, sys.getClass().getDeclaredFields().length);
    }
  }

  /** Method-handle lookup beyond the lambda bootstrap. */
  public static final class Lookup implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, MethodHandles.lookup().hashCode());
    }
  }

  /** A thread of its own, to use the trap gate while the process is on its CPU. */
  public static final class SpawnThread implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      new Thread(() -> sys.storeLong(0, 1)).start();
    }
  }

  /** A class of its own that is a thread. */
  public static final class ExtendsThread extends Thread implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      start();
    }
  }

  /** An executor. */
  public static final class Executor implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      Executors.newSingleThreadExecutor().execute(() -> sys.storeLong(0, 1));
    }
  }

  /** Thread-local state. */
  public static final class UsesThreadLocal implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      ThreadLocal<String> t = new ThreadLocal<>();
      t.set("x");
    }
  }

  /** Sleeping the CPU's thread. */
  public static final class Sleeps implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws InterruptedException {
      Thread.sleep(3000);
    }
  }

  /**
   * Run code on the JVM's finalizer thread, outside every process: a finalizer that never returns
   * would hold that thread (and every finalizable object of the JVM) for ever.
   */
  public static final class Finalizer implements ProgramEntry {
    private long spins;

    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, new Finalizer().hashCode());
    }

    @Override
    @SuppressWarnings({"deprecation", "removal", "Finalize"})
    protected void finalize() {
      for (; ; ) {
        spins++;
      }
    }
  }

  /** End the whole system. */
  public static final class Halt implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      Runtime.getRuntime().halt(42);
    }
  }

  /** End the whole system, the other way. */
  public static final class Exit implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      System.exit(42);
    }
  }

  /** Read the host's settings. */
  public static final class Property implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, System.getProperty("user.home").length());
    }
  }

  /** Read a file. */
  public static final class ReadsFile implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      sys.storeLong(0, Files.readAllBytes(Path.of("/etc/passwd")).length);
    }
  }

  /** Bind a socket. */
  public static final class Socket implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      try (ServerSocket s = new ServerSocket(0)) {
        sys.storeLong(0, s.getLocalPort());
      }
    }
  }

  /** Start an OS process. */
  public static final class StartsProcess implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      new ProcessBuilder("true").start();
    }
  }

  /** Hold a monitor (and pin the continuation). */
  public static final class SynchronizedBlock implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      synchronized (this) {
        sys.storeLong(0, 1);
      }
    }
  }

  /** Hold a monitor through a synchronized method. */
  public static final class SynchronizedMethod implements ProgramEntry {
    @Override
    public synchronized void run(SystemCalls sys) {
      sys.storeLong(0, 1);
    }
  }

  /** Wait on its own object (Object.wait reached through a program class). */
  public static final class Waits implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws InterruptedException {
      wait(1000);
    }
  }

  /** A program class with nothing but a name: its subclass inherits Object's methods. */
  public static class Base {}

  /** notifyAll through a subclass of a program class. */
  public static final class Sub extends Base implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      new Sub().notifyAll();
    }
  }

  /** Catastrophic backtracking through java.util.regex. */
  public static final class Regex implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(
          0, Pattern.compile("(a+)+b").matcher("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac").find() ? 1 : 0);
    }
  }

  /** The same through String.matches. */
  public static final class Matches implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac".matches("(a+)+b") ? 1 : 0);
    }
  }

  /** String.split takes a regex. */
  public static final class Split implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, "a,b".split("(a+)+b").length);
    }
  }

  /** A synchronized JDK class. */
  public static final class UsesStringBuffer implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, new StringBuffer("x").length());
    }
  }

  /** Another. */
  public static final class UsesVector implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, new Vector<String>().size());
    }
  }

  /** Another. */
  public static final class UsesHashtable implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, new Hashtable<String, String>().size());
    }
  }

  /** A synchronized wrapper from an allowed class. */
  public static final class SynchronizedList implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      List<String> l = Collections.synchronizedList(new ArrayList<>());
      sys.storeLong(0, l.size());
    }
  }

  /** Its own class loader. */
  public static final class Loader implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, getClass().getClassLoader().hashCode());
    }
  }

  /** A native method. */
  public static final class Native implements ProgramEntry {
    private native long poke(long address);

    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, poke(0));
    }
  }

  /** The foreign function and memory API. */
  public static final class Foreign implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      try (Arena a = Arena.ofConfined()) {
        sys.storeLong(0, a.allocate(8).address());
      }
    }
  }

  /** Math.random: a generator shared by every process, so a channel between them. */
  public static final class SharedRandom implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, (long) (Math.random() * 100));
    }
  }

  /** A parallel stream: threads of the common pool. */
  public static final class ParallelStream implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, List.of(1, 2, 3).parallelStream().count());
    }
  }

  /** A method reference (a lambda bootstrap argument) to a refused method. */
  public static final class MethodRef implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      Supplier<Runtime> r = Runtime::getRuntime;
      sys.storeLong(0, r.hashCode());
    }
  }

  /** String.intern: a pool shared by every process. */
  public static final class Intern implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      sys.storeLong(0, String.valueOf(sys.loadLong(8)).intern().length());
    }
  }
}
