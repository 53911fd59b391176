package jackal.idl.gen;

import jackal.idl.model.ConstDef;
import jackal.idl.model.Decl;
import jackal.idl.model.EnumDef;
import jackal.idl.model.EnumMember;
import jackal.idl.model.ExceptionDef;
import jackal.idl.model.IdlPackage;
import jackal.idl.model.InterfaceDef;
import jackal.idl.model.MethodDef;
import jackal.idl.model.Model;
import jackal.idl.model.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes, for each interface {@code I} of CapIDL package {@code p}, a final class {@code
 * <prefix>.p.ICodes} holding
 *
 * <ul>
 *   <li>{@code IKT}: the interface type code ({@code long});
 *   <li>{@code OC_m}: the code of every method callable on {@code I} ({@code int}), inherited ones
 *       with their declarer's code;
 *   <li>{@code RC_E}: the code of every exception declared in {@code I} or an interface it extends
 *       ({@code long});
 *   <li>each constant {@code I} declares, and a nested class of constants for each enum or bitset
 *       it declares.
 * </ul>
 *
 * <p>Package-level exceptions, constants and enums go to {@code <prefix>.p.PackageCodes}. Integer
 * values of at most 32 bits are {@code int} (unsigned 32-bit values wrap, as Java does with {@code
 * Integer.toUnsignedLong}); 64-bit values are {@code long}.
 */
public final class ConstantsGenerator implements JavaGenerator {
  /** The class holding a package's package-level constants. */
  public static final String PACKAGE_CLASS = "PackageCodes";

  /** A generator; it keeps no state. */
  public ConstantsGenerator() {}

  /** The name of the constants class of {@code i}. */
  public static String className(InterfaceDef i) {
    return i.name() + "Codes";
  }

  @Override
  public List<GeneratedFile> generate(Model model, JavaOptions options) {
    List<GeneratedFile> out = new ArrayList<>();
    for (IdlPackage p : model.packages()) {
      if (!options.generates(p.name())) {
        continue;
      }
      forPackage(p, options).ifPresent(out::add);
      for (InterfaceDef i : p.interfaces()) {
        out.add(forInterface(i, options));
      }
    }
    return out;
  }

  /** The constants class of one interface. */
  public GeneratedFile forInterface(InterfaceDef i, JavaOptions options) {
    String pkg = options.javaPackage(i.pkg().name());
    String cls = className(i);
    Set<String> used = new HashSet<>(Set.of(cls));
    StringBuilder b = new StringBuilder();
    header(b, pkg, i.pos().file());
    List<String> doc = new ArrayList<>();
    doc.add(
        "Codes of CapIDL "
            + i.kind()
            + " {@code "
            + i.qualifiedName()
            + "}"
            + i.base().map(x -> " (extends {@code " + x.qualifiedName() + "})").orElse("")
            + ".");
    if (i.doc() != null) {
      doc.add(JavaNames.docText(i.doc()));
    }
    b.append(JavaNames.javadoc("", doc));
    b.append("public final class ").append(cls).append(" {\n");
    b.append("  private ").append(cls).append("() {}\n\n");
    b.append(
        JavaNames.javadoc(
            "  ",
            List.of("Interface type code: the coded name of {@code " + i.qualifiedName() + "}.")));
    b.append("  public static final long IKT = ").append(JavaNames.hex(i.typeCode())).append(";\n");
    used.add("IKT");
    for (MethodDef m : i.allMethods()) {
      if (m.isClient()) {
        continue;
      }
      List<String> md = new ArrayList<>();
      md.add(
          StubGenerator.code(signature(m))
              + (m.declarer() == i
                  ? ""
                  : ", declared by {@code " + m.declarer().qualifiedName() + "}")
              + ".");
      if (m.doc() != null) {
        md.add(JavaNames.docText(m.doc()));
      }
      b.append('\n').append(JavaNames.javadoc("  ", md));
      String n = unique("OC_" + m.name(), used);
      b.append("  public static final int ")
          .append(n)
          .append(" = ")
          .append(JavaNames.hex(m.code()))
          .append(";\n");
    }
    for (ExceptionDef e : i.allExceptions()) {
      exception(b, e, used);
    }
    for (Decl d : i.declaredMembers()) {
      if (d instanceof ConstDef c) {
        constant(b, c, "  ", used);
      } else if (d instanceof EnumDef e) {
        enumClass(b, e, used);
      }
    }
    b.append("}\n");
    return new GeneratedFile(pkg, cls, b.toString());
  }

  /** The class of a package's package-level exceptions, constants and enums, if it has any. */
  public Optional<GeneratedFile> forPackage(IdlPackage p, JavaOptions options) {
    List<Decl> decls =
        p.decls().stream()
            .filter(d -> d instanceof ExceptionDef || d instanceof ConstDef || d instanceof EnumDef)
            .toList();
    if (decls.isEmpty()) {
      return Optional.empty();
    }
    String pkg = options.javaPackage(p.name());
    Set<String> used = new HashSet<>(Set.of(PACKAGE_CLASS));
    StringBuilder b = new StringBuilder();
    header(b, pkg, decls.getFirst().pos().file());
    b.append(
        JavaNames.javadoc(
            "",
            List.of(
                "Package-level codes and constants of CapIDL package {@code " + p.name() + "}.")));
    b.append("public final class ").append(PACKAGE_CLASS).append(" {\n");
    b.append("  private ").append(PACKAGE_CLASS).append("() {}\n");
    for (Decl d : decls) {
      switch (d) {
        case ExceptionDef e -> exception(b, e, used);
        case ConstDef c -> constant(b, c, "  ", used);
        case EnumDef e -> enumClass(b, e, used);
        default -> {}
      }
    }
    b.append("}\n");
    return Optional.of(new GeneratedFile(pkg, PACKAGE_CLASS, b.toString()));
  }

  private static void header(StringBuilder b, String pkg, String file) {
    b.append("// Generated by the Jackal CapIDL compiler from ")
        .append(file.replace('\\', '/').replaceAll("[\\r\\n]", " "))
        .append(". Do not edit.\n");
    if (!pkg.isEmpty()) {
      b.append("package ").append(pkg).append(";\n");
    }
    b.append('\n');
  }

  private static void exception(StringBuilder b, ExceptionDef e, Set<String> used) {
    List<String> d = new ArrayList<>();
    d.add("Exception code: the coded name of {@code " + e.qualifiedName() + "}.");
    if (e.doc() != null) {
      d.add(JavaNames.docText(e.doc()));
    }
    b.append('\n').append(JavaNames.javadoc("  ", d));
    b.append("  public static final long ")
        .append(unique("RC_" + e.name(), used))
        .append(" = ")
        .append(JavaNames.hex(e.code()))
        .append(";\n");
  }

  private static void constant(StringBuilder b, ConstDef c, String indent, Set<String> used) {
    List<String> d = new ArrayList<>();
    d.add(StubGenerator.code("const " + c.type().idl() + " " + c.name()) + ".");
    if (c.doc() != null) {
      d.add(JavaNames.docText(c.doc()));
    }
    b.append('\n').append(JavaNames.javadoc(indent, d));
    Type r = c.type().resolved();
    String name = unique(JavaNames.identifier(c.name()), used);
    if (r instanceof Type.BoolType) {
      b.append(indent)
          .append("public static final boolean ")
          .append(name)
          .append(" = ")
          .append(c.value().signum() != 0)
          .append(";\n");
    } else {
      b.append(indent).append(intDecl(width(r), name, c.value()));
    }
  }

  private static void enumClass(StringBuilder b, EnumDef e, Set<String> used) {
    String cls = unique(JavaNames.identifier(e.name()), used);
    List<String> d = new ArrayList<>();
    d.add("Values of " + e.kind() + " {@code " + e.qualifiedName() + "} (" + e.base().idl() + ").");
    if (e.doc() != null) {
      d.add(JavaNames.docText(e.doc()));
    }
    b.append('\n').append(JavaNames.javadoc("  ", d));
    b.append("  public static final class ").append(cls).append(" {\n");
    b.append("    private ").append(cls).append("() {}\n");
    Set<String> inner = new HashSet<>(Set.of(cls));
    for (EnumMember m : e.members()) {
      if (m.doc() != null) {
        b.append('\n').append(JavaNames.javadoc("    ", List.of(JavaNames.docText(m.doc()))));
      }
      b.append("    ")
          .append(
              intDecl(e.base().bits(), unique(JavaNames.identifier(m.name()), inner), m.value()));
    }
    b.append("  }\n");
  }

  private static int width(Type r) {
    return switch (r) {
      case Type.IntType i -> i.bits();
      case Type.CharType c -> c.bits();
      case Type.EnumType e -> e.def().base().bits();
      default -> 64;
    };
  }

  private static String intDecl(int bits, String name, BigInteger v) {
    if (bits <= 32) {
      int iv = v.intValue();
      String lit = v.bitLength() < 32 ? Integer.toString(iv) : JavaNames.hex(iv);
      return "public static final int " + name + " = " + lit + ";\n";
    }
    long lv = v.longValue();
    String lit = v.bitLength() < 64 ? lv + "L" : JavaNames.hex(lv);
    return "public static final long " + name + " = " + lit + ";\n";
  }

  private static String unique(String name, Set<String> used) {
    String n = name;
    while (!used.add(n)) {
      n = n + "_";
    }
    return n;
  }

  /** A method's signature as CapIDL would spell it. */
  static String signature(MethodDef m) {
    String params =
        m.params().stream()
            .map(p -> (p.isOut() ? "out " : "") + p.type().idl() + " " + p.name())
            .collect(Collectors.joining(", "));
    return (m.isOneway() ? "oneway " : "")
        + m.returnType().idl()
        + " "
        + m.name()
        + "("
        + params
        + ")";
  }
}
