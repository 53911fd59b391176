package jackal.idl.gen;

import jackal.idl.model.Decl;
import jackal.idl.model.ExceptionDef;
import jackal.idl.model.IdlPackage;
import jackal.idl.model.InterfaceDef;
import jackal.idl.model.MethodDef;
import jackal.idl.model.Model;
import jackal.idl.model.StructDef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java class names of what {@link StubGenerator} writes, decided package by package over the
 * whole model so that code in one package can name classes of another (imported or not):
 *
 * <ul>
 *   <li>interface {@code I}: {@code IClient}, {@code IServer}, {@code ISkeleton} (beside {@code
 *       ICodes});
 *   <li>struct {@code s} declared in {@code I}: record {@code IS}; at package level: {@code S};
 *   <li>exception {@code E} declared in {@code I}: {@code IEException}; at package level: {@code
 *       EException};
 *   <li>the results of method {@code m} of {@code I} with two or more out values: record {@code
 *       IMResult}.
 * </ul>
 *
 * A name already taken in its Java package (by another of these, a constants class, or a class the
 * generated code imports) gets underscores appended, in source order.
 */
final class StubNames {
  /** Simple names the generated code uses unqualified: no generated class may take them. */
  static final Set<String> TAKEN =
      Set.of(
          "Ipc",
          "KernelException",
          "ServerLoop",
          "CapReg",
          "ParameterBlock",
          "IdlClient",
          "IdlSkeleton",
          "Object",
          "String",
          "Float",
          "Double",
          "Override",
          "Math",
          "Integer",
          "Long",
          "Short",
          "Byte",
          "Boolean",
          "System",
          "Exception",
          "IllegalArgumentException",
          "Objects");

  enum Role {
    CLIENT,
    SERVER,
    SKELETON,
    TYPE,
    RESULT
  }

  private record Key(Decl decl, Role role) {}

  private final JavaOptions options;
  private final Map<Key, String> names = new HashMap<>();

  StubNames(Model model, JavaOptions options) {
    this.options = options;
    for (IdlPackage p : model.packages()) {
      Set<String> used = new HashSet<>(TAKEN);
      used.add(ConstantsGenerator.PACKAGE_CLASS);
      for (InterfaceDef i : p.interfaces()) {
        used.add(ConstantsGenerator.className(i));
      }
      for (InterfaceDef i : p.interfaces()) {
        assign(i, Role.CLIENT, i.name() + "Client", used);
        assign(i, Role.SERVER, i.name() + "Server", used);
        assign(i, Role.SKELETON, i.name() + "Skeleton", used);
      }
      for (Decl d : p.decls()) {
        if (d instanceof StructDef s) {
          assign(s, Role.TYPE, capitalize(s.name()), used);
        } else if (d instanceof ExceptionDef e) {
          assign(e, Role.TYPE, capitalize(e.name()) + "Exception", used);
        }
      }
      for (InterfaceDef i : p.interfaces()) {
        for (StructDef s : i.structs()) {
          assign(s, Role.TYPE, i.name() + capitalize(s.name()), used);
        }
        for (ExceptionDef e : i.exceptions()) {
          assign(e, Role.TYPE, i.name() + capitalize(e.name()) + "Exception", used);
        }
        for (MethodDef m : i.methods()) {
          if (!m.isClient() && m.outParams().size() > 1) {
            assign(m, Role.RESULT, i.name() + capitalize(m.name()) + "Result", used);
          }
        }
      }
    }
  }

  private void assign(Decl d, Role role, String name, Set<String> used) {
    String n = name;
    while (!used.add(n)) {
      n = n + "_";
    }
    names.put(new Key(d, role), n);
  }

  /** The simple name of what {@code d} becomes in {@code role}. */
  String simple(Decl d, Role role) {
    String n = names.get(new Key(d, role));
    if (n == null) {
      throw new IllegalArgumentException("no " + role + " class for " + d);
    }
    return n;
  }

  /** The Java package of {@code d}'s classes. */
  String javaPackage(Decl d) {
    return options.javaPackage(d.pkg().name());
  }

  /**
   * How code in Java package {@code from} names what {@code d} becomes in {@code role}: simply
   * within the package, fully qualified from elsewhere.
   */
  String ref(Decl d, Role role, String from) {
    return qualify(javaPackage(d), simple(d, role), from);
  }

  /** How code in {@code from} names the constants class of interface {@code i}. */
  String codesRef(InterfaceDef i, String from) {
    return qualify(javaPackage(i), ConstantsGenerator.className(i), from);
  }

  private static String qualify(String pkg, String simple, String from) {
    return pkg.equals(from) || pkg.isEmpty() ? simple : pkg + "." + simple;
  }

  /** {@code name} with its first letter in upper case. */
  static String capitalize(String name) {
    return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** Every exception {@code d} names in order, for documentation. */
  static String exceptionList(List<ExceptionDef> es) {
    StringBuilder sb = new StringBuilder();
    for (ExceptionDef e : es) {
      sb.append(sb.isEmpty() ? "" : ", ").append("{@code ").append(e.qualifiedName()).append('}');
    }
    return sb.toString();
  }
}
