package jackal.runtime;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.confined.sharing.SharingProbe;
import jackal.runtime.confined.sharing.code.Shape;
import jackal.runtime.confined.sharing.code.Spin;
import jackal.runtime.confined.sharing.loud.LoudFailure;
import jackal.runtime.confined.sharing.loud.LoudThrower;
import jackal.runtime.confined.sharing.old.Sneaky;
import jackal.runtime.confined.sharing.state.Cell;
import jackal.runtime.idl.coyotos.RangeClient;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The processes of one image share the classes that hold no state (defined once) and nothing else:
 * attacks on the sharing, each program loaded from pages as users' programs are.
 */
class SharedClassesTest {
  private static final ClassDesc SNEAKY = ClassDesc.of(Sneaky.class.getName());

  /**
   * {@link Sneaky} as an old class file (version 52) whose static is final, has no constant and no
   * initialiser, and is written by {@code set}: a class that looks stateless by its field flags.
   */
  private static byte[] oldSneaky() {
    return ClassFile.of()
        .build(
            SNEAKY,
            cb ->
                cb.withVersion(52, 0)
                    .withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER)
                    .withSuperclass(CD_Object)
                    .withField(
                        "value",
                        CD_long,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC | ClassFile.ACC_FINAL)
                    .withMethodBody(
                        "set",
                        MethodTypeDesc.of(CD_void, CD_long),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> code.lload(0).putstatic(SNEAKY, "value", CD_long).return_())
                    .withMethodBody(
                        "get",
                        MethodTypeDesc.of(CD_long),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> code.getstatic(SNEAKY, "value", CD_long).lreturn()));
  }

  private static byte[] probeJar() {
    TreeMap<String, byte[]> classes =
        new TreeMap<>(
            ClassFiles.of(SharingProbe.class, Shape.class, Spin.class, Cell.class, Sneaky.class));
    classes.put(Sneaky.class.getName().replace('.', '/'), oldSneaky());
    return ClassFiles.jar(classes);
  }

  /** The writer and the reader of {@link SharingProbe}, two processes of one image. */
  private static String probe() throws Exception {
    return probe(KernelConfig.defaults().withCpus(2));
  }

  private static String probe(KernelConfig cfg) throws Exception {
    try (TestSystem s = new TestSystem(cfg)) {
      Programs progs = new Programs(s);
      byte[] jar = probeJar();
      ProgramSpace readerSpace = progs.space(SharingProbe.Reader.class.getName(), jar);
      ProgramSpace writerSpace = progs.space(SharingProbe.Writer.class.getName(), jar);
      ObjectRef reader = progs.process("reader", readerSpace);
      ObjectRef writer = progs.process("writer", writerSpace);
      s.give(writer, CapReg.APP0, s.k.entry(s.endpoint(reader, 1), 0));
      s.runUntilQuiet(reader, writer);
      assertThat(s.info(writer).exited()).as("%s", s.console()).isTrue();
      return s.console();
    }
  }

  @Test
  void twoProcessesOfOneImageCannotPassAValueThroughTheClassesTheyShare() throws Exception {
    // A final static array and an old class file's final static: both are state, so each process
    // has its own copy, and the reader sees nothing of the writer's 42s.
    assertThat(probe()).contains("writer kept 42 and 42; reader saw 0 and 0;");
  }

  @Test
  void onAKernelThatMakesProgramsCapturableSharedClassesStayOneAndStatePerProcess()
      throws Exception {
    // The capture transform adds code and accessors to every class, shared ones included: none of
    // it may make a shared class hold state, nor stop the image's processes sharing it.
    assertThat(probe(KernelConfig.defaults().withCpus(2).withCapture(true)))
        .contains("writer kept 42 and 42; reader saw 0 and 0;")
        .contains("shared class same=true lambda same=true stateful class same=false constant=42");
  }

  @Test
  void aStatelessClassAndItsLambdaAreOneForTheImageWhileAStatefulClassIsPerProcess()
      throws Exception {
    // The identities the two processes compare: the shared class (and the one object its
    // non-capturing lambda makes) are the same objects in both; nothing in them can be written.
    assertThat(probe())
        .contains("shared class same=true lambda same=true stateful class same=false constant=42");
  }

  @Test
  void aProcessSpinningInASharedClassStopsWhenDestroyedWhileAnotherRunsTheSameCode()
      throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      byte[] jar = probeJar();
      ObjectRef victim =
          progs.process("victim", progs.space(SharingProbe.Spinner.class.getName(), jar));
      ObjectRef other =
          progs.process("other", progs.space(SharingProbe.Spinner.class.getName(), jar));
      s.k.setCpuMask(victim, 0b10);
      s.k.setCpuMask(other, 0b01);
      ObjectRef killer =
          s.process(
              "killer",
              sys -> {
                // Both spin in the shared Spin for a while (the killer shares CPU 0 with the
                // other spinner, and gets its turns by preemption), then each is destroyed.
                long until = System.nanoTime() + Duration.ofMillis(100).toNanos();
                while (System.nanoTime() < until) {
                  Thread.onSpinWait();
                }
                RangeClient range = new RangeClient(new Ipc(sys));
                range.rescind(TestSystem.reg(TestSystem.RANGE), TestSystem.reg(9));
                until = System.nanoTime() + Duration.ofMillis(100).toNanos();
                while (System.nanoTime() < until) {
                  Thread.onSpinWait();
                }
                range.rescind(TestSystem.reg(TestSystem.RANGE), TestSystem.reg(10));
              });
      s.k.setCpuMask(killer, 0b01);
      s.give(killer, 9, s.k.cap(victim));
      s.give(killer, 10, s.k.cap(other));
      for (ObjectRef p : List.of(victim, other, killer)) {
        s.k.start(p);
      }
      s.boot();
      assertThat(s.k.awaitQuiescent(Duration.ofSeconds(20)))
          .as("both spinners stop when destroyed (console: %s)", s.console())
          .isTrue();
      assertThat(s.info(killer).exited()).isTrue();
    }
  }

  @Test
  void theKernelLoggingADeathDoesNotRunTheMessageOfAProgramsSharedExceptionClass()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef p = progs.process("loud", LoudThrower.class, LoudThrower.class, LoudFailure.class);
      s.runUntilQuiet(p);
      assertThat(s.info(p).died()).isTrue();
      assertThat(s.console())
          .contains(LoudFailure.class.getName() + " (a program class: its message is not read)")
          .doesNotContain("READ BY THE KERNEL");
    }
  }
}
