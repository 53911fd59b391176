package jackal.kernel.load.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.constantpool.MethodRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Programs written as a user would write them, made capturable, captured at a call, their frames
 * written to bytes and read back in a fresh loader, and resumed: every resumed run ends with the
 * result of a run that was never interrupted.
 */
class CaptureTransformTest {
  private static final String PROGRAMS = "jackal.kernel.load.capture.programs.";
  private static final List<String> SAMPLES =
      List.of("Chain", "Loops", "Mixed", "Recursion", "Handlers", "Lambdas", "Objects");

  /** The samples whose frames the test's codec can write (no lambda objects). */
  private static final List<String> WRITABLE =
      List.of("Chain", "Loops", "Mixed", "Recursion", "Handlers", "Objects");

  /** Captures {@code name} at each of its calls in turn; each resumed run ends as the plain one. */
  private static void resumesAtEveryCall(String name) throws NotCapturable {
    CaptureRig rig = new CaptureRig(PROGRAMS + name);
    long seed = 12_345;
    long[] plain = rig.plainRun(seed);
    assertThat(plain[1]).as("capture points passed").isGreaterThan(3);
    for (long at = 1; at <= plain[1]; at++) {
      assertThat(rig.captureAndResume(seed, at))
          .as(name + " captured at call " + at)
          .isEqualTo(plain[0]);
    }
  }

  @Test
  void transformedProgramRunsAsTheOriginalWhenNothingIsCaptured() throws Exception {
    for (String name : SAMPLES) {
      long original =
          (long) Class.forName(PROGRAMS + name).getMethod("run", long.class).invoke(null, 99L);
      assertThat(new CaptureRig(PROGRAMS + name).plainRun(99)[0]).as(name).isEqualTo(original);
    }
  }

  @Test
  void aChainOfFiveFramesResumesAtEveryCall() throws NotCapturable {
    resumesAtEveryCall("Chain");
  }

  @Test
  void aCaptureSavesEveryProgramFrameInnermostFirst() throws NotCapturable {
    CaptureRig rig = new CaptureRig(PROGRAMS + "Chain");
    CaptureRig.Run r = rig.run(rig.loader(), 1, 1, null);
    assertThat(r.frames())
        .extracting(Frame::method)
        .containsExactly(
            "jackal/kernel/load/capture/programs/Chain.d(J)J",
            "jackal/kernel/load/capture/programs/Chain.c(JI)J",
            "jackal/kernel/load/capture/programs/Chain.b(JI)J",
            "jackal/kernel/load/capture/programs/Chain.a(JI)J",
            "jackal/kernel/load/capture/programs/Chain.run(J)J");
  }

  @Test
  void loopCountersInLocalsResumeAtEveryCall() throws NotCapturable {
    resumesAtEveryCall("Loops");
  }

  @Test
  void longsDoublesArraysAndObjectsOnTheStackAndInLocalsResumeAtEveryCall() throws NotCapturable {
    resumesAtEveryCall("Mixed");
  }

  @Test
  void recursionResumesAtEveryCall() throws NotCapturable {
    resumesAtEveryCall("Recursion");
  }

  @Test
  void callsInsideTryCatchAndFinallyResumeAtEveryCallWithoutRunningTheHandlers()
      throws NotCapturable {
    resumesAtEveryCall("Handlers");
  }

  /**
   * The frames are restored in the same loader, not written to bytes: they hold the lambda objects,
   * which the test's codec cannot write (a lambda's class is a hidden class that cannot be named in
   * a fresh run; docs/PERSISTENCE.md says how the store would record them).
   */
  @Test
  void lambdaBodiesCalledFromProgramCodeResumeAtEveryCall() throws NotCapturable {
    CaptureRig rig = new CaptureRig(PROGRAMS + "Lambdas");
    long[] plain = rig.plainRun(3);
    assertThat(plain[1]).isGreaterThan(3);
    for (long at = 1; at <= plain[1]; at++) {
      CaptureRig.Loader loader = rig.loader();
      CaptureRig.Run captured = rig.run(loader, 3, at, null);
      assertThat(captured.frames()).isNotEmpty();
      assertThat(rig.run(loader, 0, 0, captured.frames()).result())
          .as("captured at call " + at)
          .isEqualTo(plain[0]);
    }
  }

  @Test
  void objectsOfTheProgramsOwnClassesResumeAtEveryCall() throws NotCapturable {
    resumesAtEveryCall("Objects");
  }

  @Test
  void aResumedRunCanBeCapturedAgainAndResumed() throws NotCapturable {
    CaptureRig rig = new CaptureRig(PROGRAMS + "Mixed");
    long[] plain = rig.plainRun(7);
    CaptureRig.Loader l1 = rig.loader();
    CaptureRig.Run first = rig.run(l1, 7, 3, null);
    CaptureRig.Loader l2 = rig.loader();
    CaptureRig.Run second =
        rig.run(l2, 7, 5, FrameCodec.read(FrameCodec.write(first.frames(), l1), l2));
    assertThat(second.frames()).isNotNull();
    CaptureRig.Loader l3 = rig.loader();
    CaptureRig.Run third =
        rig.run(l3, 7, 0, FrameCodec.read(FrameCodec.write(second.frames(), l2), l3));
    assertThat(third.result()).isEqualTo(plain[0]);
  }

  @Test
  void aCaptureAskedForUnderAConstructorOrAJdkMethodWaitsForACapturablePoint()
      throws NotCapturable {
    CaptureRig rig = new CaptureRig(PROGRAMS + "Deferred");
    long[] plain = rig.plainRun(5);
    // Calls 1-3: checks in a lambda run by List.forEach; 4-6: checks in a constructor; 7: the
    // system call in run, the first place the stack can be captured.
    assertThat(plain[1]).isEqualTo(7);
    for (long at = 1; at <= 7; at++) {
      CaptureRig.Loader first = rig.loader();
      CaptureRig.Run r = rig.run(first, 5, at, null);
      assertThat(r.capturedAt()).as("asked at " + at).isEqualTo(7);
      assertThat(Sys.deferred).isEqualTo(7 - at);
      CaptureRig.Loader second = rig.loader();
      CaptureRig.Run resumed =
          rig.run(second, 0, 0, FrameCodec.read(FrameCodec.write(r.frames(), first), second));
      assertThat(resumed.result()).isEqualTo(plain[0]);
    }
  }

  @Test
  void anObjectWhoseConstructorArgumentsReachACallIsMadeAfterThemAndResumesAtEveryCall()
      throws NotCapturable {
    CaptureRig rig = new CaptureRig("jackal.kernel.load.capture.refused.NewAcrossCall");
    long[] plain = rig.plainRun(5);
    assertThat(plain[1]).as("capture points passed").isEqualTo(1);
    assertThat(rig.captureAndResume(5, 1)).isEqualTo(plain[0]);
  }

  /**
   * {@code new Long; dup; astore_2; Sys.call(seed); invokespecial Long.<init>; aload_2}: an object
   * under construction kept in a local across a call, which no javac emits and no moving can fix.
   */
  private static byte[] uninitializedInALocal() {
    ClassDesc sys = ClassDesc.of(Sys.class.getName());
    ClassDesc boxed = ClassDesc.of("java.lang.Long");
    return ClassFile.of()
        .build(
            ClassDesc.of("hostile.Uninit"),
            cb ->
                cb.withSuperclass(ConstantDescs.CD_Object)
                    .withMethodBody(
                        "run",
                        MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_long),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code ->
                            code.new_(boxed)
                                .dup()
                                .astore(2)
                                .lload(0)
                                .invokestatic(
                                    sys,
                                    "call",
                                    MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_long))
                                .invokespecial(
                                    boxed,
                                    "<init>",
                                    MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_long))
                                .aload(2)
                                .invokevirtual(
                                    boxed, "longValue", MethodTypeDesc.of(ConstantDescs.CD_long))
                                .lreturn()));
  }

  @Test
  void anObjectUnderConstructionKeptInALocalAcrossACallIsRefusedWithItsClassMethodAndOffset() {
    assertThatThrownBy(
            () ->
                CaptureTransform.transform(
                    Map.of("hostile.Uninit", uninitializedInALocal()),
                    CaptureRig.POINTS,
                    ClassHierarchyResolver.defaultResolver()))
        .isInstanceOfSatisfying(
            NotCapturable.class,
            e -> {
              assertThat(e.refusals()).hasSize(1);
              CaptureRefusal r = e.refusals().getFirst();
              assertThat(r.className()).isEqualTo("hostile.Uninit");
              assertThat(r.method()).isEqualTo("run(J)J");
              assertThat(r.offset())
                  .isEqualTo(6); // new 0, dup 3, astore_2 4, lload_0 5, the call 6
              assertThat(r.reason()).contains("under construction").contains("call(J)J");
              assertThat(e.getMessage()).contains("hostile.Uninit.run(J)J at offset 6");
            });
  }

  @Test
  void aSystemCallReachableFromAConstructorIsRefusedAtTheConstructorsCall() {
    String name = "jackal.kernel.load.capture.refused.CallInConstructor";
    assertThatThrownBy(() -> new CaptureRig(name))
        .isInstanceOfSatisfying(
            NotCapturable.class,
            e -> {
              assertThat(e.refusals()).hasSize(1);
              CaptureRefusal r = e.refusals().getFirst();
              assertThat(r.className()).isEqualTo(name);
              assertThat(r.method()).isEqualTo("<init>(J)V");
              assertThat(r.offset()).isEqualTo(offsetOfCall(name, "<init>", "fetch"));
              assertThat(r.reason()).contains("constructor").contains("fetch(J)J");
            });
  }

  @Test
  void aSystemCallInAClassesStaticInitializerIsAcceptedAndACaptureThereWaitsForTheNextPoint()
      throws NotCapturable {
    resumesAtEveryCall("ClassInit");
    CaptureRig rig = new CaptureRig(PROGRAMS + "ClassInit");
    // Calls 4 and 5 are Table's initializer's: a capture asked for there is taken at call 6.
    CaptureRig.Run run = rig.run(rig.loader(), 12_345, 4, null);
    assertThat(run.frames()).isNotNull();
    assertThat(Sys.deferred).as("points passed in the initializer").isEqualTo(2);
    assertThat(run.capturedAt()).isEqualTo(6);
  }

  @Test
  void aSystemCallInAnEnumsOrAnInterfacesStaticInitializerIsRefusedSinceAResumeRunsItAgain() {
    String name = "jackal.kernel.load.capture.refused.CallInReinitialized";
    assertThatThrownBy(() -> new CaptureRig(name))
        .isInstanceOfSatisfying(
            NotCapturable.class,
            e -> {
              assertThat(e.refusals())
                  .extracting(CaptureRefusal::className)
                  .containsExactlyInAnyOrder(name + "$Mode", name + "$Limits");
              for (CaptureRefusal r : e.refusals()) {
                assertThat(r.method()).isEqualTo("<clinit>()V");
                assertThat(r.offset()).isEqualTo(offsetOfCall(r.className(), "<clinit>", "call"));
                assertThat(r.reason())
                    .contains("static initializer of an enum or interface")
                    .contains("twice");
              }
            });
  }

  @Test
  void framesOfOneProgramAreRefusedWhenResumingAnother() throws NotCapturable {
    CaptureRig chain = new CaptureRig(PROGRAMS + "Chain");
    List<Frame> frames = chain.run(chain.loader(), 1, 2, null).frames();
    CaptureRig loops = new CaptureRig(PROGRAMS + "Loops");
    assertThatThrownBy(() -> loops.run(loops.loader(), 0, 0, frames))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a capturable method of this program");
    assertThat(CaptureClasses.restoring()).isZero();
  }

  @Test
  void aCaptureAtARandomCallOfARandomProgramResumesToTheSameResult() throws NotCapturable {
    long seed = System.nanoTime();
    System.out.println("aCaptureAtARandomCallOfARandomProgramResumesToTheSameResult seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 200; i++) {
      String name = WRITABLE.get(random.nextInt(WRITABLE.size()));
      CaptureRig rig = new CaptureRig(PROGRAMS + name);
      long input = random.nextLong(1_000_000);
      long[] plain = rig.plainRun(input);
      long at = 1 + random.nextLong(plain[1]);
      assertThat(rig.captureAndResume(input, at))
          .as("seed " + seed + ": " + name + "(" + input + ") captured at call " + at)
          .isEqualTo(plain[0]);
    }
  }

  /** The offset of the first call of a method named {@code callee} in {@code method}. */
  private static int offsetOfCall(String className, String method, String callee) {
    ClassModel model = ClassFile.of().parse(CaptureRig.program(className).get(className));
    MethodModel m =
        model.methods().stream()
            .filter(x -> x.methodName().equalsString(method))
            .findFirst()
            .orElseThrow();
    int index = -1;
    for (PoolEntry e : model.constantPool()) {
      if (e instanceof MethodRefEntry ref && ref.name().equalsString(callee)) {
        index = ref.index();
      }
    }
    byte[] code = ((CodeAttribute) m.code().orElseThrow()).codeArray();
    for (int i = 0; i + 2 < code.length; i++) {
      int op = code[i] & 0xff;
      if ((op == 0xb8 || op == 0xb7 || op == 0xb6)
          && ((code[i + 1] & 0xff) << 8 | (code[i + 2] & 0xff)) == index) {
        return i;
      }
    }
    throw new AssertionError("no call of " + callee);
  }
}
