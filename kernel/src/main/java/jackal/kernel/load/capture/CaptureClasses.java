package jackal.kernel.load.capture;

import static java.lang.constant.ConstantDescs.CD_Integer;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.AccessFlag;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The two classes transformed program code calls, defined once for the whole JVM in a loader of
 * their own, so that a class shared by the processes of an image and a class defined per process
 * reach them alike (their package, {@code jackal.confined}, is one no image may declare or name):
 *
 * <pre>
 * public final class jackal.confined.Capture {
 *   public static volatile int restoring;       // restores under way in the JVM; 0: none
 *   public static Function  restoreHook;         // the kernel's: the frame of a method, or null
 *   public static Consumer  saveHook;            // the kernel's: takes a frame while unwinding
 *   public static Predicate initHook;            // the kernel's: notes a class initialized;
 *                                                // true: skip its initializer (restoring)
 *   public static Object[] restore(String method)          { return restoreHook.apply(method); }
 *   public static int site(Object[] f); long[] prims(Object[] f); Object[] refs(Object[] f);
 *   public static void save(String method, int site, long[] prims, Object[] refs);
 *   public static boolean initialized(Class c);
 *   public static IllegalStateException badSite(String method);
 *   public static long f2l(float); float l2f(long); long d2l(double); double l2d(long);
 * }
 * public final class jackal.confined.Unwind extends RuntimeException { ... }  // no stack trace
 * </pre>
 *
 * A transformed method's entry reads {@code restoring} (one load and a compare) and calls {@code
 * restore} only when some restore is under way somewhere; the kernel's hook answers with the frame
 * of the process restoring on the calling thread ({@link Capture}), or null, and the method runs
 * from its start. The hooks are bound here, once, to {@link Capture}.
 */
public final class CaptureClasses {
  private CaptureClasses() {}

  public static final String STATE_NAME = "jackal.confined.Capture";
  public static final String UNWIND_NAME = "jackal.confined.Unwind";

  static final ClassDesc STATE = ClassDesc.of(STATE_NAME);
  static final ClassDesc UNWIND = ClassDesc.of(UNWIND_NAME);
  static final ClassDesc OBJECTS = CD_Object.arrayType();
  static final ClassDesc LONGS = CD_long.arrayType();
  private static final ClassDesc FUNCTION = ClassDesc.of(Function.class.getName());
  private static final ClassDesc CONSUMER = ClassDesc.of(Consumer.class.getName());
  private static final ClassDesc PREDICATE = ClassDesc.of(Predicate.class.getName());
  private static final ClassDesc RUNTIME = ClassDesc.of("java.lang.RuntimeException");
  private static final ClassDesc ISE = ClassDesc.of("java.lang.IllegalStateException");
  private static final ClassDesc THROWABLE = ClassDesc.of("java.lang.Throwable");
  private static final int PS = ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC;

  private static final Loader LOADER = new Loader();
  private static final Class<?> STATE_CLASS = LOADER.define(STATE_NAME, state());
  private static final Class<?> UNWIND_CLASS = LOADER.define(UNWIND_NAME, unwindClass());
  private static final VarHandle RESTORING;
  private static final RuntimeException UNWIND_INSTANCE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      RESTORING = l.findStaticVarHandle(STATE_CLASS, "restoring", int.class);
      l.findStaticVarHandle(STATE_CLASS, "restoreHook", Function.class)
          .setVolatile((Function<String, Object[]>) Capture::restoreHook);
      l.findStaticVarHandle(STATE_CLASS, "saveHook", Consumer.class)
          .setVolatile((Consumer<Object[]>) Capture::saveHook);
      l.findStaticVarHandle(STATE_CLASS, "initHook", Predicate.class)
          .setVolatile((Predicate<Class<?>>) Capture::initHook);
      MethodHandle ctor = l.findConstructor(UNWIND_CLASS, MethodType.methodType(void.class));
      UNWIND_INSTANCE = (RuntimeException) ctor.invoke();
    } catch (Throwable e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The JVM-wide class of {@code name} if it is one of these two, else null. */
  public static Class<?> find(String name) {
    return switch (name) {
      case STATE_NAME -> STATE_CLASS;
      case UNWIND_NAME -> UNWIND_CLASS;
      default -> null;
    };
  }

  /** The one unwind instance, thrown by a capture point and rethrown by every frame. */
  static RuntimeException unwind() {
    return UNWIND_INSTANCE;
  }

  /** Whether {@code t} is the unwind of a capture. */
  public static boolean isUnwind(Throwable t) {
    return t == UNWIND_INSTANCE;
  }

  /** One more restore under way in the JVM (transformed entries then ask their hook). */
  static void restoreBegins() {
    RESTORING.getAndAdd(1);
  }

  static void restoreEnds() {
    RESTORING.getAndAdd(-1);
  }

  /** Restores under way in the JVM. */
  public static int restoring() {
    return (int) RESTORING.getVolatile();
  }

  private static final class Loader extends ClassLoader {
    Loader() {
      super("jackal capture", ClassLoader.getPlatformClassLoader());
    }

    Class<?> define(String name, byte[] b) {
      return defineClass(name, b, 0, b.length);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      Class<?> c = find(name);
      if (c == null) {
        throw new ClassNotFoundException(name);
      }
      return c;
    }
  }

  private static byte[] state() {
    return ClassFile.of()
        .build(
            STATE,
            cb ->
                cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER)
                    .withSuperclass(CD_Object)
                    .withField("restoring", CD_int, PS | ClassFile.ACC_VOLATILE)
                    .withField("restoreHook", FUNCTION, PS)
                    .withField("saveHook", CONSUMER, PS)
                    .withField("initHook", PREDICATE, PS)
                    .withMethodBody(
                        "restore",
                        MethodTypeDesc.of(OBJECTS, CD_String),
                        PS,
                        c ->
                            c.getstatic(STATE, "restoreHook", FUNCTION)
                                .aload(0)
                                .invokeinterface(
                                    FUNCTION, "apply", MethodTypeDesc.of(CD_Object, CD_Object))
                                .checkcast(OBJECTS)
                                .areturn())
                    .withMethodBody(
                        "site",
                        MethodTypeDesc.of(CD_int, OBJECTS),
                        PS,
                        c ->
                            c.aload(0)
                                .iconst_0()
                                .aaload()
                                .checkcast(CD_Integer)
                                .invokevirtual(CD_Integer, "intValue", MethodTypeDesc.of(CD_int))
                                .ireturn())
                    .withMethodBody(
                        "prims",
                        MethodTypeDesc.of(LONGS, OBJECTS),
                        PS,
                        c -> c.aload(0).iconst_1().aaload().checkcast(LONGS).areturn())
                    .withMethodBody(
                        "refs",
                        MethodTypeDesc.of(OBJECTS, OBJECTS),
                        PS,
                        c -> c.aload(0).iconst_2().aaload().checkcast(OBJECTS).areturn())
                    .withMethodBody(
                        "save",
                        MethodTypeDesc.of(CD_void, CD_String, CD_int, LONGS, OBJECTS),
                        PS,
                        c ->
                            c.getstatic(STATE, "saveHook", CONSUMER)
                                .iconst_4()
                                .anewarray(CD_Object)
                                .dup()
                                .iconst_0()
                                .aload(0)
                                .aastore()
                                .dup()
                                .iconst_1()
                                .iload(1)
                                .invokestatic(
                                    CD_Integer, "valueOf", MethodTypeDesc.of(CD_Integer, CD_int))
                                .aastore()
                                .dup()
                                .iconst_2()
                                .aload(2)
                                .aastore()
                                .dup()
                                .iconst_3()
                                .aload(3)
                                .aastore()
                                .invokeinterface(
                                    CONSUMER, "accept", MethodTypeDesc.of(CD_void, CD_Object))
                                .return_())
                    .withMethodBody(
                        "initialized",
                        MethodTypeDesc.of(CD_boolean, ConstantDescs.CD_Class),
                        PS,
                        c ->
                            c.getstatic(STATE, "initHook", PREDICATE)
                                .aload(0)
                                .invokeinterface(
                                    PREDICATE, "test", MethodTypeDesc.of(CD_boolean, CD_Object))
                                .ireturn())
                    .withMethodBody(
                        "badSite",
                        MethodTypeDesc.of(ISE, CD_String),
                        PS,
                        c ->
                            c.new_(ISE)
                                .dup()
                                .aload(0)
                                .invokespecial(
                                    ISE,
                                    ConstantDescs.INIT_NAME,
                                    MethodTypeDesc.of(CD_void, CD_String))
                                .areturn())
                    .withMethodBody(
                        "f2l",
                        MethodTypeDesc.of(CD_long, CD_float),
                        PS,
                        c ->
                            c.fload(0)
                                .invokestatic(
                                    ConstantDescs.CD_Float,
                                    "floatToRawIntBits",
                                    MethodTypeDesc.of(CD_int, CD_float))
                                .i2l()
                                .lreturn())
                    .withMethodBody(
                        "l2f",
                        MethodTypeDesc.of(CD_float, CD_long),
                        PS,
                        c ->
                            c.lload(0)
                                .l2i()
                                .invokestatic(
                                    ConstantDescs.CD_Float,
                                    "intBitsToFloat",
                                    MethodTypeDesc.of(CD_float, CD_int))
                                .freturn())
                    .withMethodBody(
                        "d2l",
                        MethodTypeDesc.of(CD_long, CD_double),
                        PS,
                        c ->
                            c.dload(0)
                                .invokestatic(
                                    ConstantDescs.CD_Double,
                                    "doubleToRawLongBits",
                                    MethodTypeDesc.of(CD_long, CD_double))
                                .lreturn())
                    .withMethodBody(
                        "l2d",
                        MethodTypeDesc.of(CD_double, CD_long),
                        PS,
                        c ->
                            c.lload(0)
                                .invokestatic(
                                    ConstantDescs.CD_Double,
                                    "longBitsToDouble",
                                    MethodTypeDesc.of(CD_double, CD_long))
                                .dreturn()));
  }

  private static byte[] unwindClass() {
    return ClassFile.of()
        .build(
            UNWIND,
            cb ->
                cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER)
                    .withSuperclass(RUNTIME)
                    .withMethodBody(
                        ConstantDescs.INIT_NAME,
                        MethodTypeDesc.of(CD_void),
                        ClassFile.ACC_PUBLIC,
                        c ->
                            c.aload(0)
                                .ldc("program stack captured")
                                .aconst_null()
                                .iconst_0()
                                .iconst_0()
                                .invokespecial(
                                    RUNTIME,
                                    ConstantDescs.INIT_NAME,
                                    MethodTypeDesc.of(
                                        CD_void, CD_String, THROWABLE, CD_boolean, CD_boolean))
                                .return_()));
  }
}
