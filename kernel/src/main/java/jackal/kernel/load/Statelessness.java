package jackal.kernel.load;

import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.FieldModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.reflect.AccessFlag;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which classes of a verified image hold no state, and so may be defined once for every process of
 * the image instead of once per process (docs/DESIGN-NOTES.md, "Shared classes").
 *
 * <p>A class is <em>stateless</em> when nothing it declares or does can hold a value from one use
 * to the next outside an object a process made: every static field is {@code final}, it has no
 * static initialiser ({@code <clinit>}), and no instruction of it writes a static field ({@code
 * putstatic}, of any class: so a final static keeps the constant its {@code ConstantValue} gives,
 * or its default, even in an old class file whose rules would let a method write it). Only classes
 * can be shared whose every class reference stays among shared classes, since a shared class's
 * loader serves every process and cannot pick one process's copy of a stateful class. And since
 * package-private access needs one runtime package (one loader), a package is shared whole or not
 * at all. The shared set is therefore the largest set of packages whose classes are all stateless
 * and name no image class outside the set; it is found by starting from the packages whose classes
 * are all stateless and dropping, until nothing changes, any package with a class that names an
 * image class outside.
 *
 * <p>"Names" is read from the constant pool, generously: every class entry, and every image class
 * spelled {@code L<name>;} anywhere in a UTF-8 entry (descriptors, signatures, and any string that
 * happens to look like one, which can only make fewer classes shared). The JVM can only load
 * classes a class file names in its constant pool.
 */
final class Statelessness {
  private Statelessness() {}

  /**
   * The binary names ({@code a.b.C}) of the classes of {@code image} (internal name to parsed
   * class) that may be shared.
   */
  static Set<String> shareable(Map<String, ClassModel> image) {
    Map<String, Set<String>> packages = new HashMap<>();
    Set<String> candidates = new HashSet<>();
    Set<String> stateful = new HashSet<>();
    for (Map.Entry<String, ClassModel> e : image.entrySet()) {
      String pkg = packageOf(e.getKey());
      packages.computeIfAbsent(pkg, k -> new HashSet<>()).add(e.getKey());
      candidates.add(pkg);
      if (!stateless(e.getValue())) {
        stateful.add(pkg);
      }
    }
    candidates.removeAll(stateful);
    Map<String, Set<String>> refs = new HashMap<>();
    for (String pkg : candidates) {
      for (String c : packages.get(pkg)) {
        refs.put(c, referencedImageClasses(image.get(c), image));
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (var it = candidates.iterator(); it.hasNext(); ) {
        String pkg = it.next();
        if (!closed(packages.get(pkg), refs, candidates)) {
          it.remove();
          changed = true;
        }
      }
    }
    Set<String> shared = new HashSet<>();
    for (String pkg : candidates) {
      for (String c : packages.get(pkg)) {
        shared.add(c.replace('/', '.'));
      }
    }
    return Set.copyOf(shared);
  }

  private static boolean closed(
      Set<String> classes, Map<String, Set<String>> refs, Set<String> sharedPackages) {
    for (String c : classes) {
      for (String r : refs.get(c)) {
        if (!sharedPackages.contains(packageOf(r))) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether {@code c} can hold no state: see the class comment. */
  static boolean stateless(ClassModel c) {
    for (FieldModel f : c.fields()) {
      if (f.flags().has(AccessFlag.STATIC) && !f.flags().has(AccessFlag.FINAL)) {
        return false;
      }
    }
    for (MethodModel m : c.methods()) {
      if (m.methodName().equalsString("<clinit>")) {
        return false;
      }
      var code = m.findAttribute(java.lang.classfile.Attributes.code());
      if (code.isPresent() && writesStatic(code.get())) {
        return false;
      }
    }
    return true;
  }

  private static boolean writesStatic(CodeModel code) {
    for (var e : code) {
      if (e instanceof FieldInstruction fi && fi.opcode() == Opcode.PUTSTATIC) {
        return true;
      }
    }
    return false;
  }

  /** The image classes (internal names) that {@code c}'s constant pool names, but itself. */
  private static Set<String> referencedImageClasses(ClassModel c, Map<String, ClassModel> image) {
    Set<String> out = new HashSet<>();
    for (PoolEntry e : c.constantPool()) {
      if (e instanceof ClassEntry ce) {
        String n = ce.asInternalName();
        int dims = 0;
        while (dims < n.length() && n.charAt(dims) == '[') {
          dims++;
        }
        if (dims > 0) {
          scanDescriptors(n, image, out);
        } else if (image.containsKey(n)) {
          out.add(n);
        }
      } else if (e instanceof Utf8Entry u) {
        scanDescriptors(u.stringValue(), image, out);
      }
    }
    out.remove(c.thisClass().asInternalName());
    return out;
  }

  /** Adds every image class spelled {@code L<name>;} in {@code s}. */
  private static void scanDescriptors(String s, Map<String, ClassModel> image, Set<String> out) {
    int at = s.indexOf('L');
    while (at >= 0) {
      int end = s.indexOf(';', at + 1);
      if (end < 0) {
        return;
      }
      // Generic signatures nest: "Ljava/util/List<La/B;>;" names a/B after a '<'.
      int lt = s.indexOf('<', at + 1);
      int stop = lt >= 0 && lt < end ? lt : end;
      String name = s.substring(at + 1, stop);
      if (image.containsKey(name)) {
        out.add(name);
      }
      at = s.indexOf('L', at + 1);
    }
  }

  private static String packageOf(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash < 0 ? "" : internalName.substring(0, slash);
  }
}
