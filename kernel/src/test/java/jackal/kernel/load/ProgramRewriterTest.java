package jackal.kernel.load;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.cap.Seeded;
import jackal.kernel.load.programs.Shapes;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.PollWord;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProgramRewriterTest {
  private static final String PROGRAMS = "jackal.kernel.load.programs";

  /** Thrown by the test's slow path, as the kernel's unwinding is. */
  static final class Stopped extends Error {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("stopped", null, false, false);
    }
  }

  private static Class<?> shapes(ConfinedTestLoader l) throws ClassNotFoundException {
    return Class.forName(Shapes.class.getName(), true, l);
  }

  /** A loader whose poll word is bound to a fresh process, with {@code slowPath} attached. */
  private static PollWord bind(ConfinedTestLoader l, Runnable slowPath) {
    PollWord w = PollClass.bind(l.pollClass(), new Process(1));
    w.attach(slowPath);
    return w;
  }

  @Test
  void rewrittenShapesGiveTheSameResultsAsThePlainOnes() throws Throwable {
    ConfinedTestLoader plain = new ConfinedTestLoader(PROGRAMS, false);
    ConfinedTestLoader confined = new ConfinedTestLoader(PROGRAMS, true);
    bind(confined, () -> {}); // the word stays zero: checks never call the kernel
    Class<?> p = shapes(plain);
    Class<?> c = shapes(confined);
    long seed = Seeded.seed();
    Random rnd = new Random(seed);
    List<String> compared = new ArrayList<>();
    for (Method m : p.getDeclaredMethods()) {
      Class<?>[] params = m.getParameterTypes();
      if (!Modifier.isPublic(m.getModifiers()) || !terminating(m.getName())) {
        continue;
      }
      MethodHandle mp = MethodHandles.publicLookup().unreflect(m);
      MethodHandle mc =
          MethodHandles.publicLookup()
              .findStatic(c, m.getName(), MethodType.methodType(m.getReturnType(), params));
      for (int round = 0; round < 40; round++) {
        Object[] args = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
          args[i] = argument(params[i], m.getName(), rnd);
        }
        Object want = mp.invokeWithArguments(args);
        Object got = mc.invokeWithArguments(args);
        assertThat(deep(got))
            .as("%s(%s), seed %d", m.getName(), deep(args), seed)
            .isEqualTo(deep(want));
      }
      compared.add(m.getName());
    }
    assertThat(compared).contains("sum", "matrix", "catching", "labelled", "viaLambda", "fib");
  }

  private static boolean terminating(String name) {
    return !Set.of(
            "spinForever",
            "countToMax",
            "countToMaxForever",
            "recurseForever",
            "swallowEverything",
            "finallyForever",
            "jdkCallsForever")
        .contains(name);
  }

  private static Object argument(Class<?> type, String method, Random rnd) {
    if (type == int[].class) {
      int[] a = new int[rnd.nextInt(200)];
      for (int i = 0; i < a.length; i++) {
        a[i] = rnd.nextInt(41) - 20;
      }
      return a;
    }
    if (type == long.class) {
      return (long) rnd.nextInt(5000);
    }
    return method.equals("fib") ? rnd.nextInt(20) : rnd.nextInt(3000) - 100;
  }

  private static String deep(Object o) {
    if (o instanceof int[] a) {
      return Arrays.toString(a);
    }
    if (o instanceof Object[] a) {
      return Arrays.deepToString(Arrays.stream(a).map(ProgramRewriterTest::deep).toArray());
    }
    return String.valueOf(o);
  }

  @Test
  void rewrittenClassesPassTheClassFileVerifier() throws IOException, URISyntaxException {
    // The kernel's own classes are a corpus of every shape javac makes: rewrite and verify them.
    Path root = Path.of(Process.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path tests = Path.of(Shapes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ClassFile verifier =
        ClassFile.of(
            ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver()
                    .orElse(
                        ClassHierarchyResolver.ofResourceParsing(
                            ProgramRewriterTest.class.getClassLoader()))));
    List<Path> classes = new ArrayList<>();
    for (Path dir : List.of(root, tests)) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.filter(f -> f.toString().endsWith(".class")).forEach(classes::add);
      }
    }
    int checked = 0;
    for (Path f : classes) {
      byte[] out = ProgramRewriter.rewrite(Files.readAllBytes(f));
      assertThat(verifier.verify(out)).as("verification of rewritten %s", f).isEmpty();
      checked++;
    }
    assertThat(checked).isGreaterThan(100);
  }

  /** Runs {@code name} of the rewritten Shapes on a thread; sets STOP after a while; waits. */
  private static Throwable stopWhileRunning(String name, Object... args) throws Exception {
    ConfinedTestLoader confined = new ConfinedTestLoader(PROGRAMS, true);
    AtomicLong calls = new AtomicLong();
    PollWord w =
        bind(
            confined,
            () -> {
              calls.incrementAndGet();
              throw new Stopped();
            });
    Class<?> c = shapes(confined);
    Method m =
        Arrays.stream(c.getMethods()).filter(x -> x.getName().equals(name)).findFirst().get();
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .daemon(true)
            .start(
                () -> {
                  try {
                    m.invoke(null, args);
                    ended.set(new AssertionError("returned"));
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    ended.set(e.getCause());
                  } catch (Throwable e) {
                    ended.set(e);
                  }
                });
    Thread.sleep(50); // long enough to get compiled code running
    assertThat(t.isAlive()).as("%s still runs before the stop", name).isTrue();
    long stoppedAt = System.nanoTime();
    w.raise(PollWord.STOP);
    t.join(5_000);
    long tookMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
    assertThat(t.isAlive()).as("%s stopped (after %d ms)", name, tookMillis).isFalse();
    assertThat(calls.get()).isPositive();
    return ended.get();
  }

  @Test
  void whileTrueStopsAtItsNextCheck() throws Exception {
    assertThat(stopWhileRunning("spinForever")).isInstanceOf(Stopped.class);
  }

  @Test
  void countedLoopToMaxValueStopsWithinAChunk() throws Exception {
    assertThat(stopWhileRunning("countToMaxForever")).isInstanceOf(Stopped.class);
  }

  @Test
  void deepRecursionStopsAtAMethodEntry() throws Exception {
    assertThat(stopWhileRunning("recurseForever", 1L)).isInstanceOf(Stopped.class);
  }

  @Test
  void catchThrowableCannotSwallowTheUnwinding() throws Exception {
    assertThat(stopWhileRunning("swallowEverything")).isInstanceOf(Stopped.class);
  }

  @Test
  void finallyCannotSwallowTheUnwinding() throws Exception {
    assertThat(stopWhileRunning("finallyForever")).isInstanceOf(Stopped.class);
  }

  @Test
  void jdkLoopCallingLambdasStopsAtTheLambdasEntry() throws Exception {
    assertThat(stopWhileRunning("jdkCallsForever")).isInstanceOf(Stopped.class);
  }

  @Test
  void stripMinedLoopChecksOncePerChunk() throws Throwable {
    ConfinedTestLoader confined = new ConfinedTestLoader(PROGRAMS, true);
    AtomicLong calls = new AtomicLong();
    PollWord w = bind(confined, calls::incrementAndGet); // the word stays set: every check calls
    w.raise(PollWord.SLICE);
    MethodHandle sum =
        MethodHandles.publicLookup()
            .findStatic(shapes(confined), "sum", MethodType.methodType(long.class, int[].class));
    int n = 1 << 20;
    int[] a = new int[n];
    Arrays.fill(a, 3);
    assertThat((long) sum.invokeExact(a)).isEqualTo(3L * n);
    // One check at the entry, one per chunk; the chunk is between MIN_CHUNK and MAX_CHUNK.
    assertThat(calls.get())
        .isBetween((long) n / ProgramRewriter.MAX_CHUNK, (long) n / ProgramRewriter.MIN_CHUNK + 2);
  }

  @Test
  void loopWhoseCounterChangesInTheBodyIsCheckedEveryIteration() throws Throwable {
    ConfinedTestLoader confined = new ConfinedTestLoader(PROGRAMS, true);
    AtomicLong calls = new AtomicLong();
    PollWord w = bind(confined, calls::incrementAndGet);
    w.raise(PollWord.SLICE);
    MethodHandle skipping =
        MethodHandles.publicLookup()
            .findStatic(
                shapes(confined), "skipping", MethodType.methodType(int.class, int[].class));
    int[] a = new int[1000];
    Arrays.fill(a, 1);
    int unused = (int) skipping.invokeExact(a);
    assertThat(calls.get()).isGreaterThanOrEqualTo(1000);
  }
}
