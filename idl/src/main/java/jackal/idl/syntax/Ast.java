package jackal.idl.syntax;

import jackal.idl.SourcePos;
import java.math.BigInteger;
import java.util.List;

/**
 * The syntax tree of CapIDL, as the {@link Parser} builds it: names are still unresolved and
 * expressions unevaluated. Every node knows where it starts. {@code doc} fields hold the doc
 * comment in front of a declaration, or null.
 */
public final class Ast {
  private Ast() {}

  /** One source file: its package and its top-level declarations in order. */
  public record Unit(String file, QName packageName, String doc, List<Decl> decls) {}

  /** A dotted name as written ({@code Cap}, {@code Process.FC}, {@code coyotos.Process}). */
  public record QName(List<String> parts, SourcePos pos) {
    public QName {
      parts = List.copyOf(parts);
    }

    public String dotted() {
      return String.join(".", parts);
    }

    @Override
    public String toString() {
      return dotted();
    }
  }

  /** A declaration: at package level or inside an interface. */
  public sealed interface Decl
      permits Interface, Method, Inherits, ExceptionDecl, Typedef, EnumDecl, Struct, Const {
    String name();

    SourcePos pos();

    String doc();
  }

  /**
   * {@code [abstract] interface name [extends base] [raises(...)] { members };}
   *
   * @param base the one interface extended, or null
   */
  public record Interface(
      String name,
      SourcePos pos,
      String doc,
      boolean isAbstract,
      QName base,
      List<QName> raises,
      List<Decl> members)
      implements Decl {}

  /**
   * {@code [oneway|client|nostub] ret name(params) [raises(...)];}. {@code pos} is the position of
   * the method's name.
   */
  public record Method(
      String name,
      SourcePos pos,
      String doc,
      boolean oneway,
      boolean client,
      boolean nostub,
      TypeRef returnType,
      List<Param> params,
      List<QName> raises)
      implements Decl {}

  /** {@code [in|out] type name}. */
  public record Param(String name, SourcePos pos, boolean out, TypeRef type) {}

  /** {@code inherits name;}: documents that an inherited method is served. */
  public record Inherits(String name, SourcePos pos, String doc) implements Decl {}

  /** {@code exception name;} or {@code exception name { fields };}. */
  public record ExceptionDecl(String name, SourcePos pos, String doc, List<Field> fields)
      implements Decl {}

  /** A member of a struct or an exception: {@code type name;}. */
  public record Field(String name, SourcePos pos, String doc, TypeRef type) {}

  /** {@code typedef type name;}. */
  public record Typedef(String name, SourcePos pos, String doc, TypeRef type) implements Decl {}

  /**
   * {@code [base] enum name { ... };} or {@code base bitset name { ... };}.
   *
   * @param base the integer type written before {@code enum}, or null
   */
  public record EnumDecl(
      String name,
      SourcePos pos,
      String doc,
      TypeRef base,
      boolean bitset,
      List<EnumMember> members)
      implements Decl {}

  /** {@code name} or {@code name = value} inside an enum. */
  public record EnumMember(String name, SourcePos pos, String doc, Expr value) {}

  /** {@code struct name { fields };}. */
  public record Struct(String name, SourcePos pos, String doc, List<Field> fields)
      implements Decl {}

  /** {@code const type name = value;}. */
  public record Const(String name, SourcePos pos, String doc, TypeRef type, Expr value)
      implements Decl {}

  // ---- types

  /** A type as written. */
  public sealed interface TypeRef permits Primitive, Named, Sequence, Array, Str {
    SourcePos pos();
  }

  /** Built-in scalar kinds. */
  public enum PrimKind {
    VOID,
    INTEGER,
    BOOLEAN,
    CHAR,
    WCHAR,
    FLOAT
  }

  /**
   * A built-in scalar: {@code void}, an integer ({@code bits} 8/16/32/64, {@code signed}), {@code
   * boolean}, {@code char}, {@code wchar} ({@code bits}), {@code float}/{@code double}.
   */
  public record Primitive(PrimKind kind, int bits, boolean signed, SourcePos pos)
      implements TypeRef {}

  /** A type named by a (possibly qualified) name. */
  public record Named(QName name) implements TypeRef {
    @Override
    public SourcePos pos() {
      return name.pos();
    }
  }

  /** {@code sequence<element, bound>}. */
  public record Sequence(TypeRef element, Expr bound, SourcePos pos) implements TypeRef {}

  /** {@code array<element, length>}. */
  public record Array(TypeRef element, Expr length, SourcePos pos) implements TypeRef {}

  /** {@code string} or {@code string<bound>} ({@code bound} null when absent). */
  public record Str(Expr bound, SourcePos pos) implements TypeRef {}

  // ---- constant expressions

  /** An integer constant expression. */
  public sealed interface Expr permits Literal, BoolLiteral, NameRef, Unary, Binary, Builtin {
    SourcePos pos();
  }

  /** An integer literal. */
  public record Literal(BigInteger value, SourcePos pos) implements Expr {}

  /** {@code true} or {@code false}. */
  public record BoolLiteral(boolean value, SourcePos pos) implements Expr {}

  /** A constant or enum member, by name. */
  public record NameRef(QName name) implements Expr {
    @Override
    public SourcePos pos() {
      return name.pos();
    }
  }

  /** {@code -x}, {@code +x}, {@code ~x}. */
  public record Unary(String op, Expr operand, SourcePos pos) implements Expr {}

  /** {@code a op b}, with op one of {@code + - * / % << >> & ^ |}. */
  public record Binary(String op, Expr left, Expr right, SourcePos pos) implements Expr {}

  /** {@code max(type)} or {@code min(type)} of an integer type. */
  public record Builtin(String function, TypeRef argument, SourcePos pos) implements Expr {}
}
