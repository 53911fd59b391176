package jackal.kernel.load;

import java.lang.classfile.AccessFlags;
import java.lang.classfile.BootstrapMethodEntry;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.ConstantDynamicEntry;
import java.lang.classfile.constantpool.LoadableConstantEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandleInfo;
import java.lang.reflect.AccessFlag;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every class of a program image against the {@link AllowList} before any of it is defined.
 * A class passes when it is declared outside the reserved packages, extends and implements only
 * image classes, {@code jackal.kernel.api} types or JDK types the list lets a program extend, has
 * no native or synchronized method, uses no monitor, and every member, type, constant and bootstrap
 * its code reaches is an image member or allowed. A reference to a member through an image class is
 * resolved up the image's hierarchy the way the JVM resolves it; when it leaves the image, the JDK
 * class it reaches is what the list is asked about (so {@code Mine.wait()} is {@code Object.wait}).
 *
 * <p>The first violation refuses the whole image, with a {@link Refusal} naming where.
 */
final class Verifier {
  private static final String KERNEL_API = "jackal/kernel/api/";
  private static final String OBJECT = "java/lang/Object";
  private static final Set<String> OBJECT_METHODS =
      Set.of(
          "hashCode",
          "equals",
          "toString",
          "getClass",
          "clone",
          "finalize",
          "wait",
          "notify",
          "notifyAll");

  /** The bootstraps a program's invokedynamic may name: lambdas, string concat, records, switch. */
  private static final Set<String> BOOTSTRAPS =
      Set.of(
          "java/lang/invoke/LambdaMetafactory.metafactory",
          "java/lang/invoke/LambdaMetafactory.altMetafactory",
          "java/lang/invoke/StringConcatFactory.makeConcatWithConstants",
          "java/lang/invoke/StringConcatFactory.makeConcat",
          "java/lang/runtime/ObjectMethods.bootstrap",
          "java/lang/runtime/SwitchBootstraps.typeSwitch",
          "java/lang/runtime/SwitchBootstraps.enumSwitch");

  private final AllowList allow;
  private final Map<String, ClassModel> image = new HashMap<>();

  private Verifier(AllowList allow) {
    this.allow = allow;
  }

  /**
   * Parses class files ({@code classes}: internal name to bytes) for {@link #verify}. Throws a
   * BAD_IMAGE {@link LoadFailure} for bytes that are no class file or declare another name.
   */
  static Map<String, ClassModel> parse(Map<String, byte[]> classes) {
    ClassFile cf = ClassFile.of();
    Map<String, ClassModel> out = new HashMap<>();
    for (Map.Entry<String, byte[]> e : classes.entrySet()) {
      ClassModel cm;
      try {
        cm = cf.parse(e.getValue());
      } catch (IllegalArgumentException ex) {
        throw LoadFailure.badImage(
            e.getKey() + ".class is not a class file (" + ex.getMessage() + ")");
      }
      if (!cm.thisClass().asInternalName().equals(e.getKey())) {
        throw LoadFailure.badImage(
            e.getKey() + ".class declares " + cm.thisClass().asInternalName());
      }
      out.put(e.getKey(), cm);
    }
    return out;
  }

  /**
   * Verifies the classes {@code check} of an image whose classes (all segments, parsed) are {@code
   * image}: references resolve against the whole image. Throws a {@link LoadFailure}
   * (PROGRAM_REFUSED for a refused class, BAD_IMAGE for a malformed one).
   */
  static void verify(AllowList allow, Map<String, ClassModel> image, Iterable<ClassModel> check) {
    Verifier v = new Verifier(allow);
    v.image.putAll(image);
    for (ClassModel cm : check) {
      try {
        v.checkClass(cm);
      } catch (IllegalArgumentException ex) {
        // The class file API parses lazily: malformed code or constants surface here.
        throw LoadFailure.badImage(
            cm.thisClass().asInternalName() + ".class is malformed (" + ex.getMessage() + ")");
      }
    }
  }

  // ------------------------------------------------------------------ classes

  private void checkClass(ClassModel cm) {
    String self = cm.thisClass().asInternalName();
    Where at = new Where(dotted(self), "", -1);
    String reserved = ClassNames.reservedPackage(dotted(self));
    if (reserved != null) {
      throw refuse(at, "package " + reserved, "a program class may not be declared there");
    }
    cm.superclass().ifPresent(s -> checkSupertype(at, s.asInternalName()));
    for (ClassEntry i : cm.interfaces()) {
      checkSupertype(at, i.asInternalName());
    }
    for (FieldModel f : cm.fields()) {
      checkDescriptorTypes(at, f.fieldTypeSymbol());
    }
    for (MethodModel m : cm.methods()) {
      Where mat =
          new Where(at.cls, m.methodName().stringValue() + m.methodType().stringValue(), -1);
      AccessFlags flags = m.flags();
      if (flags.has(AccessFlag.NATIVE)) {
        throw refuse(mat, "", "native methods are not allowed");
      }
      if (flags.has(AccessFlag.SYNCHRONIZED)) {
        throw refuse(
            mat, "", "synchronized methods are not allowed (a process is single-threaded)");
      }
      if (!flags.has(AccessFlag.STATIC)
          && m.methodName().equalsString("finalize")
          && m.methodType().equalsString("()V")) {
        // The JVM's finalizer thread would run it, outside every process and every slice.
        throw refuse(
            mat, "", "finalizers are not allowed (the JVM would run them on its own thread)");
      }
      MethodTypeDesc mt = m.methodTypeSymbol();
      checkDescriptorTypes(mat, mt.returnType());
      for (ClassDesc p : mt.parameterList()) {
        checkDescriptorTypes(mat, p);
      }
      m.code().ifPresent(code -> checkCode(mat, code));
    }
  }

  private void checkSupertype(Where at, String type) {
    if (image.containsKey(type) || type.startsWith(KERNEL_API) || allow.mayExtend(type)) {
      return;
    }
    throw refuse(at, dotted(type), "a program class may not extend or implement it");
  }

  // ------------------------------------------------------------------ code

  private void checkCode(Where m, CodeModel code) {
    int bci = 0;
    for (CodeElement e : code) {
      Where at = new Where(m.cls, m.method, bci);
      switch (e) {
        case FieldInstruction fi ->
            checkMember(
                at,
                fi.owner().asInternalName(),
                fi.name().stringValue(),
                fi.type().stringValue(),
                true);
        case InvokeInstruction ii ->
            checkMember(
                at,
                ii.owner().asInternalName(),
                ii.name().stringValue(),
                ii.type().stringValue(),
                false);
        case InvokeDynamicInstruction indy -> checkIndy(at, indy);
        case NewObjectInstruction ni -> checkType(at, ni.className().asInternalName());
        case NewReferenceArrayInstruction na -> checkType(at, na.componentType().asInternalName());
        case NewMultiArrayInstruction na -> checkType(at, na.arrayType().asInternalName());
        case TypeCheckInstruction tc -> checkType(at, tc.type().asInternalName());
        case ConstantInstruction.LoadConstantInstruction ldc ->
            checkConstant(at, ldc.constantEntry());
        case MonitorInstruction mi ->
            throw refuse(
                at,
                mi.opcode().name().toLowerCase(java.util.Locale.ROOT),
                "monitors are not allowed (a process is single-threaded)");
        case ExceptionCatch ec ->
            ec.catchType()
                .ifPresent(t -> checkType(new Where(m.cls, m.method, -1), t.asInternalName()));
        default -> {}
      }
      if (e instanceof Instruction i) {
        bci += i.sizeInBytes();
      }
    }
  }

  private void checkIndy(Where at, InvokeDynamicInstruction indy) {
    BootstrapMethodEntry bsm = indy.invokedynamic().bootstrap();
    MethodHandleEntry h = bsm.bootstrapMethod();
    MemberRefEntry ref = h.reference();
    String name = ref.owner().asInternalName() + "." + ref.name().stringValue();
    if (!BOOTSTRAPS.contains(name)) {
      throw refuse(
          at,
          "bootstrap " + dotted(name) + ref.type().stringValue(),
          "only the lambda, string-concat, record and switch bootstraps are allowed");
    }
    MethodTypeDesc t = indy.typeSymbol();
    checkDescriptorTypes(at, t.returnType());
    for (ClassDesc p : t.parameterList()) {
      checkDescriptorTypes(at, p);
    }
    List<LoadableConstantEntry> args = bsm.arguments();
    for (LoadableConstantEntry a : args) {
      checkConstant(at, a);
    }
  }

  private void checkConstant(Where at, Object constant) {
    switch (constant) {
      case ClassEntry c -> checkType(at, c.asInternalName());
      case MethodHandleEntry h -> {
        MemberRefEntry r = h.reference();
        int kind = h.kind();
        boolean field = kind <= MethodHandleInfo.REF_putStatic;
        checkMember(
            at, r.owner().asInternalName(), r.name().stringValue(), r.type().stringValue(), field);
      }
      case ConstantDynamicEntry d ->
          throw refuse(
              at,
              "dynamic constant " + d.name().stringValue(),
              "dynamic constants are not allowed");
      default -> {} // numbers, strings, method types
    }
  }

  // ------------------------------------------------------------------ members and types

  private void checkMember(Where at, String owner, String name, String desc, boolean field) {
    String member = name + (field ? ":" + desc : desc);
    if (owner.startsWith("[")) {
      // Arrays have clone and Object's methods.
      if (name.equals("clone") || allow.allows(OBJECT, name)) {
        return;
      }
      throw refuse(at, dotted(owner) + "." + member, "not on the allow-list");
    }
    if (image.containsKey(owner)) {
      String reached = resolve(owner, name, desc, field);
      if (reached == null) {
        return; // an image member: verified as part of its own class
      }
      owner = reached;
    }
    if (owner.startsWith(KERNEL_API) && !owner.substring(KERNEL_API.length()).contains("/")) {
      return;
    }
    if (!allow.allows(owner, name)) {
      throw refuse(at, dotted(owner) + "." + member, "not on the allow-list");
    }
    checkDescriptorTypes(at, field ? ClassDesc.ofDescriptor(desc) : null);
  }

  /**
   * Resolves a member reference through image class {@code owner} as the JVM does: the class and
   * its superclasses, then its interfaces. Returns null when an image class declares it, else the
   * JDK or kernel-API class the lookup reaches and the list should be asked about.
   */
  private String resolve(String owner, String name, String desc, boolean field) {
    String jdkClass = null;
    Set<String> jdkInterfaces = new HashSet<>();
    Set<String> seen = new HashSet<>();
    String c = owner;
    while (c != null) {
      ClassModel cm = image.get(c);
      if (cm == null) {
        jdkClass = c;
        break;
      }
      if (declares(cm, name, desc, field)) {
        return null;
      }
      c = cm.superclass().map(ClassEntry::asInternalName).orElse(null);
    }
    if (searchInterfaces(owner, name, desc, field, seen, jdkInterfaces)) {
      return null;
    }
    if (jdkClass == null) {
      jdkClass = OBJECT;
    }
    // The superclass chain wins, except for a name Object does not have: then only an interface
    // can supply it (a default method), and the first that allows it is what the JVM would find.
    if (jdkClass.equals(OBJECT) && !OBJECT_METHODS.contains(name) && !field) {
      for (String i : jdkInterfaces) {
        if (allow.allows(i, name) || i.startsWith(KERNEL_API)) {
          return i;
        }
      }
    }
    return jdkClass;
  }

  private boolean searchInterfaces(
      String c, String name, String desc, boolean field, Set<String> seen, Set<String> jdk) {
    while (c != null && seen.add(c)) {
      ClassModel cm = image.get(c);
      if (cm == null) {
        return false;
      }
      for (ClassEntry i : cm.interfaces()) {
        String in = i.asInternalName();
        ClassModel im = image.get(in);
        if (im == null) {
          jdk.add(in);
        } else if (declares(im, name, desc, field)
            || searchInterfaces(in, name, desc, field, seen, jdk)) {
          return true;
        }
      }
      c = cm.superclass().map(ClassEntry::asInternalName).orElse(null);
    }
    return false;
  }

  private static boolean declares(ClassModel cm, String name, String desc, boolean field) {
    if (field) {
      for (FieldModel f : cm.fields()) {
        if (f.fieldName().equalsString(name) && f.fieldType().equalsString(desc)) {
          return true;
        }
      }
      return false;
    }
    for (MethodModel m : cm.methods()) {
      if (m.methodName().equalsString(name) && m.methodType().equalsString(desc)) {
        return true;
      }
    }
    return false;
  }

  private void checkDescriptorTypes(Where at, ClassDesc d) {
    if (d == null) {
      return;
    }
    while (d.isArray()) {
      d = d.componentType();
    }
    if (d.isClassOrInterface()) {
      String desc = d.descriptorString();
      checkType(at, desc.substring(1, desc.length() - 1));
    }
  }

  /** A type a program names: an image class, a kernel-API type, or a JDK type on the list. */
  private void checkType(Where at, String type) {
    String t = type;
    if (t.startsWith("[")) {
      ClassDesc d = ClassDesc.ofDescriptor(t);
      checkDescriptorTypes(at, d);
      return;
    }
    if (image.containsKey(t)
        || (t.startsWith(KERNEL_API) && !t.substring(KERNEL_API.length()).contains("/"))
        || allow.isType(t)) {
      return;
    }
    throw refuse(at, dotted(t), "type not on the allow-list");
  }

  // ------------------------------------------------------------------ reporting

  private record Where(String cls, String method, int offset) {}

  private static LoadFailure refuse(Where at, String reached, String why) {
    return LoadFailure.refused(new Refusal(at.cls, at.method, at.offset, reached, why));
  }

  private static String dotted(String internal) {
    return internal.replace('/', '.');
  }
}
