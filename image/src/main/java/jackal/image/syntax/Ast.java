package jackal.image.syntax;

import jackal.image.SourcePos;
import java.util.List;

/** The syntax tree. Every node carries the position of the token that starts it. */
public final class Ast {
  private Ast() {}

  /** One file: {@code module a.b { ... }}. */
  public record Module(String name, SourcePos pos, List<Stmt> body) {}

  /** A statement. */
  public sealed interface Stmt {
    SourcePos pos();
  }

  /** An expression. */
  public sealed interface Expr {
    SourcePos pos();
  }

  /** {@code def name = value;} */
  public record Def(SourcePos pos, String name, Expr value, boolean exported) implements Stmt {}

  /** {@code def name(params) { body }}: a closure over the scope it is defined in. */
  public record DefProc(
      SourcePos pos, String name, List<String> params, Block body, boolean exported)
      implements Stmt {}

  /** One member of an enumeration; {@code value} is null when it follows the previous one. */
  public record EnumMember(SourcePos pos, String name, Expr value) {}

  /**
   * {@code enum [Name] { ... }} or {@code capreg [Name] { ... }}. With a name the members live in a
   * namespace of that name; without one they are bound in the enclosing scope.
   */
  public record EnumDef(
      SourcePos pos, boolean capreg, String name, List<EnumMember> members, boolean exported)
      implements Stmt {}

  /** {@code export a, b;} */
  public record ExportNames(SourcePos pos, List<String> names, List<SourcePos> namePositions)
      implements Stmt {}

  /** {@code import local = a.b;} */
  public record Import(SourcePos pos, String local, String module, SourcePos modulePos)
      implements Stmt {}

  /** {@code if (cond) { ... } else ...}; {@code otherwise} is a Block, an If, or null. */
  public record If(SourcePos pos, Expr cond, Block then, Stmt otherwise) implements Stmt {}

  /** {@code while (cond) { ... }} */
  public record While(SourcePos pos, Expr cond, Block body) implements Stmt {}

  /** {@code do { ... } while (cond);} */
  public record DoWhile(SourcePos pos, Block body, Expr cond) implements Stmt {}

  /** {@code return value;} */
  public record Return(SourcePos pos, Expr value) implements Stmt {}

  /** {@code print value;} or, with {@code fields}, {@code print * value;}. */
  public record Print(SourcePos pos, boolean fields, Expr value) implements Stmt {}

  /** {@code target = value;} where target is an identifier, a field or a slot. */
  public record Assign(SourcePos pos, Expr target, Expr value) implements Stmt {}

  /** An expression evaluated for its value or its effects. */
  public record ExprStmt(SourcePos pos, Expr expr) implements Stmt {}

  /** {@code { stmt... }}: as an expression, the value of its last executed statement. */
  public record Block(SourcePos pos, List<Stmt> body) implements Expr {}

  /** An integer literal (64 bits). */
  public record IntLit(SourcePos pos, long value) implements Expr {}

  /** A string literal. */
  public record StrLit(SourcePos pos, String value) implements Expr {}

  /** {@code true} or {@code false}. */
  public record BoolLit(SourcePos pos, boolean value) implements Expr {}

  /** A use of a name. */
  public record Ident(SourcePos pos, String name) implements Expr {}

  /** {@code -e} or {@code !e}. */
  public record Unary(SourcePos pos, String op, Expr operand) implements Expr {}

  /** {@code l op r}; {@code pos} is the operator's. */
  public record Binary(SourcePos pos, String op, Expr left, Expr right) implements Expr {}

  /** {@code callee(args)}; {@code pos} is the open parenthesis. */
  public record Call(SourcePos pos, Expr callee, List<Expr> args) implements Expr {}

  /** {@code target.name}; {@code pos} is the name's. */
  public record Field(SourcePos pos, Expr target, String name) implements Expr {}

  /** {@code target[index]}; {@code pos} is the open bracket. */
  public record Index(SourcePos pos, Expr target, Expr index) implements Expr {}

  /** {@code new Kind(bank)}. */
  public record New(SourcePos pos, String kind, Expr bank) implements Expr {}
}
