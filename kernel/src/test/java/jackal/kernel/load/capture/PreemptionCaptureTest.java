package jackal.kernel.load.capture;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.load.PollClass;
import jackal.kernel.load.ProgramRewriter;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel's pipeline: a program rewritten with preemption checks by ProgramRewriter, then made
 * capturable with the kernel's capture points; the poll word is set so that every check calls the
 * kernel's slow path, which captures at the Nth check.
 */
class PreemptionCaptureTest {
  private static final String NAME = "jackal.kernel.load.capture.confined.Counting";

  private static long checks;
  private static long captureAt;
  private static Capture state;

  private static CaptureTransform.Result program() throws NotCapturable {
    Map<String, byte[]> rewritten = new HashMap<>();
    CaptureRig.program(NAME).forEach((n, b) -> rewritten.put(n, ProgramRewriter.rewrite(b)));
    return CaptureTransform.transform(
        rewritten,
        CaptureTransform.CapturePoints.kernel(),
        ClassHierarchyResolver.defaultResolver());
  }

  /** Loads the program with its own poll class, bound to a slow path that captures. */
  private static MethodHandle load(CaptureTransform.Result r) throws ReflectiveOperationException {
    Map<String, byte[]> classes = new HashMap<>(r.classes());
    classes.put(PollClass.NAME, PollClass.bytes());
    CaptureRig.Loader loader = new CaptureRig.Loader(classes);
    Class<?> poll = loader.loadClass(PollClass.NAME);
    Runnable slowPath =
        () -> {
          checks++;
          if (captureAt != 0 && checks >= captureAt) {
            captureAt = 0;
            state.unwindHere();
          }
        };
    MethodHandles.publicLookup().findStaticVarHandle(poll, "kernel", Runnable.class).set(slowPath);
    MethodHandles.publicLookup().findStaticVarHandle(poll, "word", int.class).setVolatile(1);
    return MethodHandles.publicLookup()
        .findStatic(
            Class.forName(NAME, true, loader),
            "run",
            MethodType.methodType(long.class, long.class));
  }

  @Test
  void rewrittenCodeCapturedAtAnyPreemptionCheckResumesToTheSameResult() throws Throwable {
    CaptureTransform.Result r = program();
    state = new Capture(r.plan());
    checks = 0;
    captureAt = 0;
    long plain = (long) load(r).invokeExact(42L);
    long total = checks;
    assertThat(total).isGreaterThan(20);
    for (long at = 1; at <= total; at += 1 + at / 8) {
      state = new Capture(r.plan());
      checks = 0;
      captureAt = at;
      List<Frame> frames = null;
      try {
        long unexpected = (long) load(r).invokeExact(42L);
        throw new AssertionError("not captured at check " + at + ": " + unexpected);
      } catch (RuntimeException u) {
        if (!CaptureClasses.isUnwind(u)) {
          throw u;
        }
        frames = state.takeFrames();
      }
      state.beginRestore(frames);
      long resumed = (long) load(r).invokeExact(0L);
      assertThat(resumed).as("captured at check " + at).isEqualTo(plain);
    }
  }
}
