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
 * The class that a confined program's preemption checks read: {@value #NAME}, defined once in the
 * JVM ({@link #shared()}), in a loader of its own, and resolved to that one class by every
 * process's loader and by every image's loader of shared classes. Its word is the JVM-wide count of
 * CPUs running a process that needs the kernel ({@link PollWord}); a check that finds it non-zero
 * asks its own CPU which process runs there. One class for all means a check depends on no
 * per-process static, so classes holding no state can be shared among the processes of an image.
 *
 * <pre>
 * public final class jackal.confined.Poll {
 *   public static volatile int word;    // zero: run on; else call the kernel (PollWord bits)
 *   public static Runnable kernel;      // the kernel's slow path (PollWord.checkHere)
 *   public static Runnable limit;       // the kernel's over-cap path (PollWord.overLimitHere)
 *   public static void check() { if (word != 0) kernel.run(); }
 *   public static void limit(long n, int max) { if (n > max) limit.run(); }
 *   public static Runnable enterInit, exitInit; // count class initializers (PollWord.initDepth)
 *   public static void enterInit() { enterInit.run(); }
 *   public static void exitInit() { exitInit.run(); }
 * }
 * </pre>
 *
 * <p>{@code check()} is what {@link ProgramRewriter} calls; the JIT inlines it, so a check is one
 * load of a static field at a constant address and a compare. The fields are public because the
 * kernel, a named module, reaches them through the public lookup (the class is in the unnamed
 * module of a per-process loader); no program can name the class, since the loader's verifier
 * refuses every reference to the {@code jackal} packages outside the runtime's API, and its loader
 * must refuse a program class of this name.
 *
 * <p>Trusted tooling may still define a copy of the class in a loader of its own ({@link #bytes()})
 * and bind it to a process: that copy's word is then the process's alone ({@link #bind}).
 */
public final class PollClass {
  private PollClass() {}

  /** The binary name of the class, the same in every process's loader. */
  public static final String NAME = "jackal.confined.Poll";

  static final ClassDesc DESC = ClassDesc.of(NAME);
  static final String CHECK = "check";
  static final MethodTypeDesc CHECK_TYPE = MethodTypeDesc.of(CD_void);
  static final String LIMIT = "limit";

  /**
   * Called at the entry of every class initializer of a loaded program, and {@link #EXIT_INIT}
   * before each of its returns: the process's {@link PollWord#initDepth()} counts the initializers
   * on its stack. The JVM runs an initializer from its own native code, so a continuation inside
   * one cannot yield, and a call from there that must wait is refused; a call is therefore run in
   * place (which would answer it without a wait) only at depth 0. An initializer that ends by an
   * exception leaves the count raised: its process's calls then always wait through the dispatch
   * loop, which costs it speed and nothing else.
   */
  static final String ENTER_INIT = "enterInit";

  static final String EXIT_INIT = "exitInit";
  static final MethodTypeDesc LIMIT_TYPE = MethodTypeDesc.of(CD_void, CD_long, CD_int);

  /**
   * The most bytes one allocation by a program may ask for (an array, or a JDK method given a size
   * by the program), counted conservatively from the element count (docs/SECURITY.md).
   */
  public static final int MAX_ALLOCATION_BYTES = 1 << 26;

  private static final ClassDesc RUNNABLE = ClassDesc.of("java.lang.Runnable");

  private static final byte[] BYTES = generate();

  /** The one poll class every loaded program's checks read, bound to the kernel's CPUs. */
  private static final Class<?> SHARED = defineShared();

  /** The shared poll class (defined, bound to the kernel's slow paths and initialised). */
  public static Class<?> shared() {
    return SHARED;
  }

  /** The loader holding only the shared poll class; it finds nothing else but what Object does. */
  private static final class SharedPollLoader extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    SharedPollLoader() {
      super("jackal poll", null);
    }

    Class<?> define() {
      return defineClass(NAME, BYTES, 0, BYTES.length);
    }
  }

  private static Class<?> defineShared() {
    Class<?> c = new SharedPollLoader().define();
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      lookup
          .findStaticVarHandle(c, "kernel", Runnable.class)
          .setVolatile((Runnable) PollWord::checkHere);
      lookup
          .findStaticVarHandle(c, LIMIT, Runnable.class)
          .setVolatile((Runnable) PollWord::overLimitHere);
      lookup
          .findStaticVarHandle(c, ENTER_INIT, Runnable.class)
          .setVolatile((Runnable) PollWord::enterInitHere);
      lookup
          .findStaticVarHandle(c, EXIT_INIT, Runnable.class)
          .setVolatile((Runnable) PollWord::exitInitHere);
      PollWord.installSharedWord(lookup.findStaticVarHandle(c, "word", int.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    return c;
  }

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
                    .withField(ENTER_INIT, RUNNABLE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC)
                    .withField(EXIT_INIT, RUNNABLE, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC)
                    .withMethodBody(
                        ENTER_INIT,
                        CHECK_TYPE,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code ->
                            code.getstatic(DESC, ENTER_INIT, RUNNABLE)
                                .invokeinterface(RUNNABLE, "run", CHECK_TYPE)
                                .return_())
                    .withMethodBody(
                        EXIT_INIT,
                        CHECK_TYPE,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code ->
                            code.getstatic(DESC, EXIT_INIT, RUNNABLE)
                                .invokeinterface(RUNNABLE, "run", CHECK_TYPE)
                                .return_())
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
   * Gives {@code p} a fresh word read through the shared poll class: the kernel can then mark the
   * process through {@link Process#poll}, and its checks call the kernel while it runs. Call before
   * any code of {@code p}'s program runs (class definition runs none).
   */
  public static PollWord bind(Process p) {
    PollWord w = new PollWord(p);
    p.poll = w;
    return w;
  }

  /**
   * Binds {@code pollClass} to {@code p}: the shared class ({@link #shared()}) as {@link
   * #bind(Process)} does; a copy defined by trusted tooling's own loader becomes {@code p}'s own
   * word. Call before any code of {@code p}'s program runs, holding {@code p}'s lock.
   *
   * @throws IllegalArgumentException if {@code pollClass} is not a class of this shape
   */
  public static PollWord bind(Class<?> pollClass, Process p) {
    if (pollClass == SHARED) {
      return bind(p);
    }
    if (!pollClass.getName().equals(NAME)) {
      throw new IllegalArgumentException(pollClass + " is not " + NAME);
    }
    VarHandle word;
    VarHandle kernel;
    VarHandle limit;
    VarHandle enterInit;
    VarHandle exitInit;
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      word = lookup.findStaticVarHandle(pollClass, "word", int.class);
      kernel = lookup.findStaticVarHandle(pollClass, "kernel", Runnable.class);
      limit = lookup.findStaticVarHandle(pollClass, LIMIT, Runnable.class);
      enterInit = lookup.findStaticVarHandle(pollClass, ENTER_INIT, Runnable.class);
      exitInit = lookup.findStaticVarHandle(pollClass, EXIT_INIT, Runnable.class);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(pollClass + " is not a poll class", e);
    }
    PollWord w = new PollWord(word, kernel);
    limit.setVolatile((Runnable) w::overLimit);
    enterInit.setVolatile((Runnable) w::enterInit);
    exitInit.setVolatile((Runnable) w::exitInit);
    p.poll = w;
    return w;
  }
}
