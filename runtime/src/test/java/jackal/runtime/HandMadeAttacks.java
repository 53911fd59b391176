package jackal.runtime;

import static java.lang.constant.ConstantDescs.CD_CallSite;
import static java.lang.constant.ConstantDescs.CD_MethodHandles_Lookup;
import static java.lang.constant.ConstantDescs.CD_MethodType;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Hostile program classes written in bytecode directly, for what javac will not compile: calls into
 * jdk.internal and sun.misc, classes declared in reserved packages, bootstraps and dynamic
 * constants of the attacker's choosing. Each is a ProgramEntry whose run method is the attack.
 */
final class HandMadeAttacks {
  private HandMadeAttacks() {}

  static final ClassDesc ENTRY = ClassDesc.of("jackal.kernel.api.ProgramEntry");
  static final ClassDesc SYSCALLS = ClassDesc.of("jackal.kernel.api.SystemCalls");
  static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_void, SYSCALLS);

  /** A jar of one class {@code name} whose run method is {@code body}. */
  static byte[] program(String name, Consumer<CodeBuilder> body) {
    TreeMap<String, byte[]> classes = new TreeMap<>();
    classes.put(name.replace('.', '/'), entryClass(name, CD_Object, body));
    return jackal.runtime.boot.ClassFiles.jar(classes);
  }

  /** A ProgramEntry class {@code name} extending {@code superclass}, whose run is {@code body}. */
  static byte[] entryClass(String name, ClassDesc superclass, Consumer<CodeBuilder> body) {
    ClassDesc self = ClassDesc.of(name);
    return ClassFile.of()
        .build(
            self,
            cb ->
                cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL, AccessFlag.SUPER)
                    .withSuperclass(superclass)
                    .withInterfaceSymbols(ENTRY)
                    .withMethodBody(
                        "<init>",
                        MethodTypeDesc.of(CD_void),
                        ClassFile.ACC_PUBLIC,
                        c ->
                            c.aload(0)
                                .invokespecial(superclass, "<init>", MethodTypeDesc.of(CD_void))
                                .return_())
                    .withMethodBody("run", RUN, ClassFile.ACC_PUBLIC, body)
                    .withMethodBody(
                        "bsm",
                        MethodTypeDesc.of(
                            CD_CallSite, CD_MethodHandles_Lookup, CD_String, CD_MethodType),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        c -> c.aconst_null().areturn()));
  }

  /**
   * wait() named through the program's own class, which inherits it from a program superclass that
   * inherits it from Object: the verifier must follow the program's hierarchy to Object.wait.
   */
  static byte[] inheritedWait() {
    ClassDesc base = ClassDesc.of("hand.Base");
    byte[] baseBytes =
        ClassFile.of()
            .build(
                base,
                cb ->
                    cb.withFlags(AccessFlag.PUBLIC, AccessFlag.SUPER)
                        .withMethodBody(
                            "<init>",
                            MethodTypeDesc.of(CD_void),
                            ClassFile.ACC_PUBLIC,
                            c ->
                                c.aload(0)
                                    .invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void))
                                    .return_()));
    byte[] heir =
        entryClass(
            "hand.Heir",
            base,
            c ->
                c.aload(0)
                    .invokevirtual(ClassDesc.of("hand.Heir"), "wait", MethodTypeDesc.of(CD_void))
                    .return_());
    TreeMap<String, byte[]> classes = new TreeMap<>();
    classes.put("hand/Base", baseBytes);
    classes.put("hand/Heir", heir);
    return jackal.runtime.boot.ClassFiles.jar(classes);
  }

  /** Continuation.pin(): pin the process's continuation so it cannot be switched. */
  static byte[] pinsContinuation() {
    return program(
        "hand.Pin",
        c ->
            c.invokestatic(
                    ClassDesc.of("jdk.internal.vm.Continuation"), "pin", MethodTypeDesc.of(CD_void))
                .return_());
  }

  /** sun.misc.Unsafe's instance, to read any object's fields. */
  static byte[] readsUnsafe() {
    ClassDesc unsafe = ClassDesc.of("sun.misc.Unsafe");
    return program("hand.Unsafe", c -> c.getstatic(unsafe, "theUnsafe", unsafe).pop().return_());
  }

  /** jdk.internal.misc.Unsafe, the one inside the JDK. */
  static byte[] internalUnsafe() {
    ClassDesc unsafe = ClassDesc.of("jdk.internal.misc.Unsafe");
    return program(
        "hand.InternalUnsafe",
        c -> c.invokestatic(unsafe, "getUnsafe", MethodTypeDesc.of(unsafe)).pop().return_());
  }

  /** A program class declared in java.lang, to reach package-private JDK members. */
  static byte[] inJavaLang() {
    return program("java.lang.Evil", c -> c.return_());
  }

  /** A program class declared in the kernel's own package. */
  static byte[] inKernelPackage() {
    return program("jackal.kernel.invoke.Evil", c -> c.return_());
  }

  /** invokedynamic with a bootstrap of its own choosing (its own static method). */
  static byte[] ownBootstrap() {
    ClassDesc self = ClassDesc.of("hand.OwnBootstrap");
    DirectMethodHandleDesc bsm =
        MethodHandleDesc.ofMethod(
            DirectMethodHandleDesc.Kind.STATIC,
            self,
            "bsm",
            MethodTypeDesc.of(CD_CallSite, CD_MethodHandles_Lookup, CD_String, CD_MethodType));
    return program(
        "hand.OwnBootstrap",
        c ->
            c.invokedynamic(DynamicCallSiteDesc.of(bsm, "go", MethodTypeDesc.of(CD_void)))
                .return_());
  }

  /** A dynamic constant (condy), whose bootstrap runs arbitrary code to make it. */
  static byte[] dynamicConstant() {
    return program(
        "hand.Condy",
        c ->
            c.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_NULL_CONSTANT, "x", CD_Object))
                .pop()
                .return_());
  }

  /** monitorenter on a fresh object, without a synchronized block around it. */
  static byte[] bareMonitor() {
    return program(
        "hand.Monitor",
        c ->
            c.new_(CD_Object)
                .dup()
                .invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void))
                .monitorenter()
                .return_());
  }
}
