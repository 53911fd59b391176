package jackal.kernel.load;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import jackal.kernel.obj.Process;
import jackal.kernel.sched.PollWord;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.AccessFlag;

/**
 * The per-process class that a confined program's preemption checks read: {@value #NAME}, defined
 * once in each process's own class loader, so that every process has its own word without the
 * checks knowing which thread or CPU they run on.
 *
 * <pre>
 * public final class jackal.confined.Poll {
 *   public static volatile int word;    // zero: run on; else call the kernel (PollWord bits)
 *   public static Runnable kernel;      // the kernel's slow path, bound before the program runs
 *   public static Runnable limit;       // the kernel's over-cap path, bound with kernel
 *   public static void check() { if (word != 0) kernel.run(); }
 *   public static void limit(long n, int max) { if (n > max) limit.run(); }
 * }
 * </pre>
 *
 * <p>{@code check()} is what {@link ProgramRewriter} calls; the JIT inlines it, so a check is one
 * load of a static field at a constant address and a compare. The fields are public because the
 * kernel, a named module, reaches them through the public lookup (the class is in the unnamed
 * module of a per-process loader); no program can name the class, since the loader's verifier
 * refuses every reference to the {@code jackal} packages outside the runtime's API, and its loader
 * must refuse a program class of this name.
 */
public final class PollClass {
  private PollClass() {}

  /** The binary name of the class, the same in every process's loader. */
  public static final String NAME = "jackal.confined.Poll";

  static final ClassDesc DESC = ClassDesc.of(NAME);
  static final String CHECK = "check";
  static final MethodTypeDesc CHECK_TYPE = MethodTypeDesc.of(CD_void);
  static final String LIMIT = "limit";
  static final MethodTypeDesc LIMIT_TYPE = MethodTypeDesc.of(CD_void, CD_long, CD_int);

  /**
   * The most bytes one allocation by a program may ask for (an array, or a JDK method given a size
   * by the program), counted conservatively from the element count (docs/SECURITY.md).
   */
  public static final int MAX_ALLOCATION_BYTES = 1 << 26;

  private static final ClassDesc RUNNABLE = ClassDesc.of("java.lang.Runnable");

  private static final byte[] BYTES = generate();

  /** The class file of {@value #NAME} (a fresh copy: the caller may keep it). */
  public static byte[] bytes() {
    return BYTES.clone();
  }

  private static byte[] generate() {
    return ClassFile.of()
        .build(
            DESC,
            cb ->
                cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER)
                    .withSuperclass(CD_Object)
                    .withField(
                        "word",
                        CD_int,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC | ClassFile.ACC_VOLATILE)
                    .withField("kernel", RUNNABLE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC)
                    .withField(LIMIT, RUNNABLE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC)
                    .withMethodBody(
                        CHECK,
                        CHECK_TYPE,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> {
                          var slow = code.newLabel();
                          code.getstatic(DESC, "word", CD_int)
                              .ifne(slow)
                              .return_()
                              .labelBinding(slow)
                              .getstatic(DESC, "kernel", RUNNABLE)
                              .invokeinterface(RUNNABLE, "run", CHECK_TYPE)
                              .return_();
                        })
                    .withMethodBody(
                        LIMIT,
                        LIMIT_TYPE,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> {
                          var over = code.newLabel();
                          code.lload(0)
                              .iload(2)
                              .i2l()
                              .lcmp()
                              .ifgt(over)
                              .return_()
                              .labelBinding(over)
                              .getstatic(DESC, LIMIT, RUNNABLE)
                              .invokeinterface(RUNNABLE, "run", CHECK_TYPE)
                              .return_();
                        }));
  }

  /**
   * Binds {@code pollClass} (this class as defined by {@code p}'s loader) to {@code p}: the kernel
   * can then mark the process through {@link Process#poll}, and the checks call the kernel. Call
   * before any code of {@code p}'s program runs (class definition runs none), holding {@code p}'s
   * lock.
   *
   * @throws IllegalArgumentException if {@code pollClass} is not a class of this shape
   */
  public static PollWord bind(Class<?> pollClass, Process p) {
    if (!pollClass.getName().equals(NAME)) {
      throw new IllegalArgumentException(pollClass + " is not " + NAME);
    }
    VarHandle word;
    VarHandle kernel;
    VarHandle limit;
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      word = lookup.findStaticVarHandle(pollClass, "word", int.class);
      kernel = lookup.findStaticVarHandle(pollClass, "kernel", Runnable.class);
      limit = lookup.findStaticVarHandle(pollClass, LIMIT, Runnable.class);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(pollClass + " is not a poll class", e);
    }
    PollWord w = new PollWord(word, kernel);
    limit.setVolatile((Runnable) w::overLimit);
    p.poll = w;
    return w;
  }
}
