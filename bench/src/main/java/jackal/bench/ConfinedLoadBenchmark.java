package jackal.bench;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading a program of {@link #CLASSES} classes (labels {@code confined.load} and {@code
 * confined.verify}).
 *
 * <ul>
 *   <li>{@link #load}: what a process pays to start a program whose image the kernel has verified
 *       before (the common case: a second process of a program): a process is pointed at the
 *       program space, started, and the benchmark spins until its program has returned. Inside: the
 *       Startup fault, reading the header and both segments (the program and the runtime library,
 *       ~170 KB) page by page through the space, their SHA-256, the cache hit, a fresh class
 *       loader, defining and initialising all {@code CLASSES} program classes and the runtime
 *       classes the entry touches, and the run itself (one call chain through every class).
 *   <li>{@link #verify}: the cold path, paid once per image: a jar of the same shape with a
 *       different constant (so the cache misses) stored in pages, unpacked and verified class by
 *       class against the allow-list, and a program space built around it.
 * </ul>
 *
 * <p>The program: {@code bench.Main} (the entry) calls {@code bench.C0.step}, each {@code C<i>}
 * calls {@code C<i+1>} and the last returns; each class also has a field, a constructor and a
 * method using StringBuilder, so every class is defined, verified and initialised. Goal for {@code
 * confined.load}: under 50 ms.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConfinedLoadBenchmark extends LauncherFork {
  /** Classes of the program, the entry included. */
  public static final int CLASSES = 100;

  /** A booted one-CPU kernel with the runtime library stored and one program space built. */
  @State(Scope.Benchmark)
  public static class Loaded {
    Kernel k;
    CodeSegment runtime;
    ProgramSpace space;
    int salt;

    @Setup(Level.Trial)
    public void boot() throws ProgramRefusedException {
      k =
          Kernel.create(
              KernelConfig.defaults()
                  .withCpus(1)
                  .withConsole(new PrintStream(OutputStream.nullOutputStream())));
      k = k.boot();
      runtime = RuntimeLibrary.segment(k);
      space = k.newProgramSpace("bench.Main", 1, k.newCodeSegment(program(0)), runtime);
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      k.close();
    }
  }

  @Benchmark
  public ObjectRef load(Loaded s) {
    ObjectRef p = s.k.newProcess("p");
    s.k.setSpaceAndPC(p, s.space.space(), s.space.pc());
    s.k.start(p);
    while (!s.k.inspect(p).exited()) {
      Thread.onSpinWait();
    }
    return p;
  }

  @Benchmark
  public ProgramSpace verify(Loaded s) throws ProgramRefusedException {
    return s.k.newProgramSpace("bench.Main", 1, s.k.newCodeSegment(program(++s.salt)), s.runtime);
  }

  // ------------------------------------------------------------------ the program

  private static final ClassDesc ENTRY = ClassDesc.of("jackal.kernel.api.ProgramEntry");
  private static final ClassDesc SYSCALLS = ClassDesc.of("jackal.kernel.api.SystemCalls");
  private static final ClassDesc SB = ClassDesc.of("java.lang.StringBuilder");
  private static final ClassDesc STRING = ClassDesc.of("java.lang.String");
  private static final MethodTypeDesc STEP = MethodTypeDesc.of(CD_int, CD_int);
  private static final MethodTypeDesc INIT = MethodTypeDesc.of(CD_void);

  /** The jar of the program; {@code salt} changes one constant (and so the jar's hash). */
  static byte[] program(int salt) {
    TreeMap<String, byte[]> classes = new TreeMap<>();
    int chain = CLASSES - 1;
    for (int i = 0; i < chain; i++) {
      classes.put("bench/C" + i, link(i, i + 1 < chain ? i + 1 : -1, salt));
    }
    ClassDesc main = ClassDesc.of("bench.Main");
    classes.put(
        "bench/Main",
        ClassFile.of()
            .build(
                main,
                cb ->
                    cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER)
                        .withInterfaceSymbols(ENTRY)
                        .withMethodBody(
                            "<init>",
                            INIT,
                            ClassFile.ACC_PUBLIC,
                            c -> c.aload(0).invokespecial(CD_Object, "<init>", INIT).return_())
                        .withMethodBody(
                            "run",
                            MethodTypeDesc.of(CD_void, SYSCALLS),
                            ClassFile.ACC_PUBLIC,
                            c ->
                                c.iconst_0()
                                    .invokestatic(ClassDesc.of("bench.C0"), "step", STEP)
                                    .pop()
                                    .return_())));
    return ClassFiles.jar(classes);
  }

  private static byte[] link(int i, int next, int salt) {
    ClassDesc self = ClassDesc.of("bench.C" + i);
    return ClassFile.of()
        .build(
            self,
            cb ->
                cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER)
                    .withField("n", CD_int, ClassFile.ACC_PRIVATE)
                    .withField("COUNT", CD_int, ClassFile.ACC_STATIC)
                    .withMethodBody(
                        "<init>",
                        INIT,
                        ClassFile.ACC_PUBLIC,
                        c -> c.aload(0).invokespecial(CD_Object, "<init>", INIT).return_())
                    .withMethodBody(
                        "describe",
                        MethodTypeDesc.of(STRING),
                        ClassFile.ACC_PUBLIC,
                        c ->
                            c.new_(SB)
                                .dup()
                                .invokespecial(SB, "<init>", INIT)
                                .ldc("C" + i + "/" + salt + ":")
                                .invokevirtual(SB, "append", MethodTypeDesc.of(SB, STRING))
                                .aload(0)
                                .getfield(self, "n", CD_int)
                                .invokevirtual(SB, "append", MethodTypeDesc.of(SB, CD_int))
                                .invokevirtual(SB, "toString", MethodTypeDesc.of(STRING))
                                .areturn())
                    .withMethodBody(
                        "step",
                        STEP,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        c -> {
                          c.getstatic(self, "COUNT", CD_int)
                              .iconst_1()
                              .iadd()
                              .putstatic(self, "COUNT", CD_int);
                          if (next < 0) {
                            c.iload(0).ireturn();
                          } else {
                            c.iload(0)
                                .iconst_1()
                                .iadd()
                                .invokestatic(ClassDesc.of("bench.C" + next), "step", STEP)
                                .ireturn();
                          }
                        }));
  }
}
