package jackal.idl.syntax;

import jackal.idl.IdlException;
import jackal.idl.SourceFile;
import jackal.idl.SourcePos;
import java.util.ArrayList;
import java.util.List;

/**
 * A recursive-descent parser for CapIDL. It stops at the first error, which names the token where
 * the parser noticed it.
 *
 * <pre>
 * unit       = "package" qname ";" decl* EOF
 * decl       = interface | exception | typedef | enum | struct | const
 * member     = decl-except-interface | method | "inherits" IDENT ";"
 * interface  = ["abstract"] "interface" IDENT ["extends" qname] [raises] "{" member* "}" ";"
 * method     = ("oneway" | "client" | "nostub")* type IDENT "(" [param ("," param)*] ")" [raises] ";"
 * param      = ["in" | "out"] type IDENT
 * raises     = "raises" "(" qname ("," qname)* ")"
 * exception  = "exception" IDENT ( ";" | "{" field* "}" ";" )
 * typedef    = "typedef" type IDENT ";"
 * enum       = [type] ("enum" | "bitset") IDENT "{" item ("," item)* [","] "}" ";"
 * item       = IDENT ["=" expr]
 * struct     = "struct" IDENT "{" field* "}" ";"
 * field      = type IDENT ";"
 * const      = "const" type IDENT "=" expr ";"
 * type       = "void" | "boolean" | "char" | "wchar" ["&lt;" N "&gt;"] | "float" | "double"
 *            | ["unsigned"] ("byte" | "short" | "long" | "long" "long")
 *            | "integer" "&lt;" N "&gt;" | "unsigned" "&lt;" N "&gt;"
 *            | "string" ["&lt;" expr "&gt;"] | "sequence" "&lt;" type "," expr "&gt;"
 *            | "array" "&lt;" type "," expr "&gt;" | qname
 * expr       = C integer expressions: | ^ &amp; &lt;&lt; &gt;&gt; + - * / % unary(- + ~) ( ),
 *              numbers, true, false, names of constants and enum items, max(type), min(type)
 * </pre>
 */
public final class Parser {
  private final String file;
  private final List<Token> toks;
  private int at;

  private Parser(String file, List<Token> toks) {
    this.file = file;
    this.toks = new ArrayList<>(toks);
  }

  /** Lexes and parses one file. */
  public static Ast.Unit parse(SourceFile source) throws IdlException {
    return new Parser(source.name(), Lexer.tokenize(source)).unit();
  }

  // ---- token helpers

  private Token peek() {
    return toks.get(at);
  }

  private Token peek(int ahead) {
    return toks.get(Math.min(at + ahead, toks.size() - 1));
  }

  private Token next() {
    Token t = toks.get(at);
    if (t.kind() != Token.Kind.EOF) {
      at++;
    }
    return t;
  }

  private boolean accept(String s) {
    if (peek().is(s)) {
      at++;
      return true;
    }
    return false;
  }

  private Token expect(String s, String why) throws IdlException {
    if (!peek().is(s)) {
      throw err(peek(), "expected '" + s + "' " + why);
    }
    return next();
  }

  private static IdlException err(Token t, String message) {
    return new IdlException(t.pos(), message);
  }

  private Token ident(String what) throws IdlException {
    Token t = peek();
    if (t.kind() != Token.Kind.IDENT) {
      if (t.kind() == Token.Kind.KEYWORD) {
        throw err(t, "expected " + what + ", but '" + t.text() + "' is a reserved word");
      }
      throw err(t, "expected " + what);
    }
    return next();
  }

  private Ast.QName qname(String what) throws IdlException {
    Token first = ident(what);
    List<String> parts = new ArrayList<>();
    parts.add(first.text());
    while (peek().is(".") && peek(1).kind() == Token.Kind.IDENT) {
      next();
      parts.add(next().text());
    }
    if (peek().is(".")) {
      throw err(peek(1), "expected a name after '.'");
    }
    return new Ast.QName(parts, first.pos());
  }

  /** Consumes one closing angle bracket; a {@code >>} token is split in two. */
  private void closeAngle(String what) throws IdlException {
    Token t = peek();
    if (t.is(">")) {
      next();
    } else if (t.is(">>")) {
      SourcePos p = t.pos();
      toks.set(
          at,
          new Token(
              Token.Kind.PUNCT,
              ">",
              new SourcePos(p.file(), p.line(), p.column() + 1),
              null,
              null));
    } else {
      throw err(t, "expected '>' to close " + what);
    }
  }

  // ---- declarations

  private Ast.Unit unit() throws IdlException {
    Token first = peek();
    if (!first.is("package")) {
      throw err(first, "expected 'package' declaration at the start of the file");
    }
    next();
    Ast.QName pkg = qname("package name");
    expect(";", "after package name");
    List<Ast.Decl> decls = new ArrayList<>();
    while (peek().kind() != Token.Kind.EOF) {
      decls.add(decl(false, null));
    }
    return new Ast.Unit(file, pkg, first.doc(), decls);
  }

  /**
   * One declaration.
   *
   * @param inInterface the name of the enclosing interface, when {@code inInterface}
   */
  private Ast.Decl decl(boolean inInterface, String iface) throws IdlException {
    Token t = peek();
    String doc = t.doc();
    if (t.is("abstract") || t.is("interface")) {
      if (inInterface) {
        throw err(t, "interfaces cannot be nested (inside interface '" + iface + "')");
      }
      return interfaceDecl(doc);
    }
    if (t.is("exception")) {
      return exceptionDecl(doc);
    }
    if (t.is("typedef")) {
      next();
      Ast.TypeRef type = type("type after 'typedef'");
      noVoid(type, "a typedef");
      Token name = ident("name of the typedef");
      expect(";", "after typedef");
      return new Ast.Typedef(name.text(), name.pos(), doc, type);
    }
    if (t.is("struct")) {
      next();
      Token name = ident("name of the struct");
      expect("{", "to open struct '" + name.text() + "'");
      List<Ast.Field> fields = fields("struct '" + name.text() + "'");
      expect(";", "after struct declaration");
      return new Ast.Struct(name.text(), name.pos(), doc, fields);
    }
    if (t.is("const")) {
      next();
      Ast.TypeRef type = type("type after 'const'");
      Token name = ident("name of the constant");
      expect("=", "after constant name");
      Ast.Expr value = expr(false);
      expect(";", "after constant declaration");
      return new Ast.Const(name.text(), name.pos(), doc, type, value);
    }
    if (t.is("enum") || t.is("bitset")) {
      return enumDecl(doc, null);
    }
    if (t.is("inherits")) {
      if (!inInterface) {
        throw err(t, "'inherits' is only allowed inside an interface");
      }
      next();
      Token name = ident("name of an inherited method");
      expect(";", "after 'inherits'");
      return new Ast.Inherits(name.text(), name.pos(), doc);
    }
    if (t.is("union")) {
      throw err(t, "unions are not supported");
    }
    if (t.is("namespace")) {
      throw err(t, "namespaces are not supported");
    }
    if (t.kind() == Token.Kind.IDENT && t.text().equals("import")) {
      throw err(t, "import is not supported: name other packages' types by qualified name");
    }
    boolean oneway = false;
    boolean client = false;
    boolean nostub = false;
    while (t.is("oneway") || t.is("client") || t.is("nostub")) {
      if (!inInterface) {
        throw err(t, "methods must be declared inside an interface");
      }
      switch (next().text()) {
        case "oneway" -> oneway = true;
        case "client" -> client = true;
        default -> nostub = true;
      }
      t = peek();
    }
    boolean qualified = oneway || client || nostub;
    if (!startsType(t)) {
      throw err(t, inInterface ? "expected a declaration or method" : "expected a declaration");
    }
    Ast.TypeRef type = type("type");
    if (!qualified && (peek().is("enum") || peek().is("bitset"))) {
      noVoid(type, "an enum base type");
      return enumDecl(doc, type);
    }
    if (!inInterface) {
      if (peek().kind() == Token.Kind.IDENT && peek(1).is("(")) {
        throw err(t, "methods must be declared inside an interface");
      }
      throw err(t, "expected a declaration");
    }
    Token name = ident("method name");
    expect("(", "after method name");
    List<Ast.Param> params = params();
    List<Ast.QName> raises = peek().is("raises") ? raises() : List.of();
    expect(";", "after method declaration");
    return new Ast.Method(
        name.text(), name.pos(), doc, oneway, client, nostub, type, params, raises);
  }

  private static void noVoid(Ast.TypeRef type, String what) throws IdlException {
    if (type instanceof Ast.Primitive p && p.kind() == Ast.PrimKind.VOID) {
      throw new IdlException(type.pos(), "'void' cannot be " + what);
    }
  }

  private Ast.Interface interfaceDecl(String doc) throws IdlException {
    boolean isAbstract = accept("abstract");
    expect("interface", "after 'abstract'");
    Token name = ident("name of the interface");
    Ast.QName base = null;
    if (accept("extends")) {
      base = qname("name of the interface extended");
      if (peek().is(",") || peek().is("extends")) {
        throw err(
            peek(),
            "interface '"
                + name.text()
                + "' may extend only one interface (CapIDL has single inheritance)");
      }
    }
    List<Ast.QName> raises = peek().is("raises") ? raises() : List.of();
    if (peek().is("extends")) {
      throw err(peek(), "'extends' must come before 'raises'");
    }
    expect("{", "to open interface '" + name.text() + "'");
    List<Ast.Decl> members = new ArrayList<>();
    while (!peek().is("}")) {
      if (peek().kind() == Token.Kind.EOF) {
        throw err(peek(), "expected '}' to close interface '" + name.text() + "'");
      }
      members.add(decl(true, name.text()));
    }
    next();
    expect(";", "after interface declaration");
    return new Ast.Interface(name.text(), name.pos(), doc, isAbstract, base, raises, members);
  }

  private List<Ast.QName> raises() throws IdlException {
    next();
    expect("(", "after 'raises'");
    List<Ast.QName> names = new ArrayList<>();
    do {
      names.add(qname("exception name"));
    } while (accept(","));
    expect(")", "to close the raises list");
    return names;
  }

  private List<Ast.Param> params() throws IdlException {
    List<Ast.Param> params = new ArrayList<>();
    if (accept(")")) {
      return params;
    }
    if (peek().is("void") && peek(1).is(")")) {
      next();
      next();
      return params;
    }
    do {
      boolean out = false;
      if (accept("out")) {
        out = true;
      } else {
        accept("in");
      }
      if (!startsType(peek())) {
        throw err(peek(), "expected parameter type");
      }
      Ast.TypeRef type = type("parameter type");
      if (type instanceof Ast.Primitive p && p.kind() == Ast.PrimKind.VOID) {
        throw err(toks.get(at - 1), "a parameter cannot have type 'void'");
      }
      Token name = ident("parameter name");
      params.add(new Ast.Param(name.text(), name.pos(), out, type));
    } while (accept(","));
    expect(")", "to close the parameter list");
    return params;
  }

  private Ast.ExceptionDecl exceptionDecl(String doc) throws IdlException {
    next();
    Token name = ident("name of the exception");
    List<Ast.Field> fields = List.of();
    if (accept("{")) {
      fields = fields("exception '" + name.text() + "'");
    }
    expect(";", "after exception declaration");
    return new Ast.ExceptionDecl(name.text(), name.pos(), doc, fields);
  }

  /** Fields up to and including the closing brace. */
  private List<Ast.Field> fields(String owner) throws IdlException {
    List<Ast.Field> fields = new ArrayList<>();
    while (!accept("}")) {
      Token t = peek();
      if (t.kind() == Token.Kind.EOF) {
        throw err(t, "expected '}' to close " + owner);
      }
      if (!startsType(t)) {
        throw err(t, "expected a field type in " + owner);
      }
      Ast.TypeRef type = type("field type");
      noVoid(type, "the type of a field");
      Token name = ident("field name");
      expect(";", "after field");
      fields.add(new Ast.Field(name.text(), name.pos(), t.doc(), type));
    }
    return fields;
  }

  private Ast.EnumDecl enumDecl(String doc, Ast.TypeRef base) throws IdlException {
    boolean bitset = next().is("bitset");
    String kind = bitset ? "bitset" : "enum";
    Token name = ident("name of the " + kind);
    expect("{", "to open " + kind + " '" + name.text() + "'");
    List<Ast.EnumMember> members = new ArrayList<>();
    while (!peek().is("}")) {
      Token m = peek();
      if (m.kind() == Token.Kind.EOF) {
        throw err(m, "expected '}' to close " + kind + " '" + name.text() + "'");
      }
      Token id = ident("name of an " + kind + " member");
      Ast.Expr value = null;
      if (accept("=")) {
        value = expr(false);
      }
      members.add(new Ast.EnumMember(id.text(), id.pos(), m.doc(), value));
      if (!accept(",")) {
        if (!peek().is("}")) {
          throw err(peek(), "expected ',' or '}' after " + kind + " member");
        }
      }
    }
    if (members.isEmpty()) {
      throw err(peek(), kind + " '" + name.text() + "' has no members");
    }
    next();
    expect(";", "after " + kind + " declaration");
    return new Ast.EnumDecl(name.text(), name.pos(), doc, base, bitset, members);
  }

  // ---- types

  private static boolean startsType(Token t) {
    if (t.kind() == Token.Kind.IDENT) {
      return true;
    }
    return switch (t.text()) {
      case "void",
          "boolean",
          "char",
          "wchar",
          "byte",
          "short",
          "long",
          "unsigned",
          "integer",
          "float",
          "double",
          "string",
          "sequence",
          "array",
          "buffer" ->
          t.kind() == Token.Kind.KEYWORD;
      default -> false;
    };
  }

  private Ast.TypeRef type(String what) throws IdlException {
    Token t = peek();
    SourcePos pos = t.pos();
    if (t.kind() == Token.Kind.IDENT) {
      return new Ast.Named(qname(what));
    }
    if (t.kind() != Token.Kind.KEYWORD) {
      throw err(t, "expected " + what);
    }
    switch (t.text()) {
      case "void" -> {
        next();
        return new Ast.Primitive(Ast.PrimKind.VOID, 0, false, pos);
      }
      case "boolean" -> {
        next();
        return new Ast.Primitive(Ast.PrimKind.BOOLEAN, 8, false, pos);
      }
      case "char" -> {
        next();
        return new Ast.Primitive(Ast.PrimKind.CHAR, 8, false, pos);
      }
      case "wchar" -> {
        next();
        int bits = 32;
        if (accept("<")) {
          bits = width("wchar", 8, 16, 32);
          closeAngle("wchar<...>");
        }
        return new Ast.Primitive(Ast.PrimKind.WCHAR, bits, false, pos);
      }
      case "float" -> {
        next();
        return new Ast.Primitive(Ast.PrimKind.FLOAT, 32, true, pos);
      }
      case "double" -> {
        next();
        return new Ast.Primitive(Ast.PrimKind.FLOAT, 64, true, pos);
      }
      case "byte", "short", "long" -> {
        return new Ast.Primitive(Ast.PrimKind.INTEGER, intWidth(), true, pos);
      }
      case "unsigned" -> {
        next();
        if (accept("<")) {
          int bits = width("unsigned", 8, 16, 32, 64);
          closeAngle("unsigned<...>");
          return new Ast.Primitive(Ast.PrimKind.INTEGER, bits, false, pos);
        }
        Token n = peek();
        if (!(n.is("byte") || n.is("short") || n.is("long"))) {
          throw err(n, "expected 'byte', 'short', 'long' or '<' after 'unsigned'");
        }
        return new Ast.Primitive(Ast.PrimKind.INTEGER, intWidth(), false, pos);
      }
      case "integer" -> {
        next();
        if (!accept("<")) {
          throw err(peek(), "'integer' needs a width: integer<8|16|32|64>");
        }
        int bits = width("integer", 8, 16, 32, 64);
        closeAngle("integer<...>");
        return new Ast.Primitive(Ast.PrimKind.INTEGER, bits, true, pos);
      }
      case "string" -> {
        next();
        Ast.Expr bound = null;
        if (accept("<")) {
          bound = expr(true);
          closeAngle("string<...>");
        }
        return new Ast.Str(bound, pos);
      }
      case "sequence", "array" -> {
        boolean seq = next().text().equals("sequence");
        String kind = seq ? "sequence" : "array";
        expect("<", "after '" + kind + "'");
        Ast.TypeRef elem = type("element type of the " + kind);
        noVoid(elem, "an element type");
        if (!accept(",")) {
          throw err(
              peek(),
              seq ? "sequence needs a bound: sequence<T, N>" : "array needs a length: array<T, N>");
        }
        Ast.Expr n = expr(true);
        closeAngle(kind + "<...>");
        return seq ? new Ast.Sequence(elem, n, pos) : new Ast.Array(elem, n, pos);
      }
      case "buffer" -> throw err(t, "buffer<T, N> is not supported; use sequence<T, N>");
      default -> throw err(t, "expected " + what + ", but '" + t.text() + "' is a reserved word");
    }
  }

  /** byte | short | long | long long, the current token being one of the first three. */
  private int intWidth() throws IdlException {
    Token t = next();
    return switch (t.text()) {
      case "byte" -> 8;
      case "short" -> 16;
      default -> {
        if (accept("long")) {
          yield 64;
        }
        if (peek().is("double")) {
          throw err(peek(), "long double is not supported");
        }
        yield 32;
      }
    };
  }

  private int width(String what, int... allowed) throws IdlException {
    Token t = peek();
    if (t.kind() == Token.Kind.INT) {
      next();
      for (int a : allowed) {
        if (t.value().intValue() == a && t.value().bitLength() < 32) {
          return a;
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int a : allowed) {
      sb.append(sb.isEmpty() ? "" : ", ").append(a);
    }
    throw err(t, "the width of '" + what + "' must be one of " + sb);
  }

  // ---- constant expressions (C precedence, lowest first: | ^ & shift additive multiplicative)

  private static final String[][] LEVELS = {
    {"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}
  };

  /**
   * An expression.
   *
   * @param inAngles inside {@code <...>}, where {@code >>} closes two brackets rather than shifts
   */
  private Ast.Expr expr(boolean inAngles) throws IdlException {
    return binary(0, inAngles);
  }

  private Ast.Expr binary(int level, boolean inAngles) throws IdlException {
    if (level == LEVELS.length) {
      return unary(inAngles);
    }
    Ast.Expr left = binary(level + 1, inAngles);
    while (true) {
      Token t = peek();
      String op = null;
      for (String o : LEVELS[level]) {
        if (t.is(o) && !(inAngles && o.equals(">>"))) {
          op = o;
        }
      }
      if (op == null) {
        return left;
      }
      next();
      Ast.Expr right = binary(level + 1, inAngles);
      left = new Ast.Binary(op, left, right, t.pos());
    }
  }

  private Ast.Expr unary(boolean inAngles) throws IdlException {
    Token t = peek();
    if (t.is("-") || t.is("+") || t.is("~")) {
      next();
      return new Ast.Unary(t.text(), unary(inAngles), t.pos());
    }
    return primary();
  }

  private Ast.Expr primary() throws IdlException {
    Token t = peek();
    if (t.kind() == Token.Kind.INT) {
      next();
      return new Ast.Literal(t.value(), t.pos());
    }
    if (t.is("true") || t.is("false")) {
      next();
      return new Ast.BoolLiteral(t.is("true"), t.pos());
    }
    if (t.is("(")) {
      next();
      Ast.Expr e = expr(false);
      expect(")", "to close the parenthesis");
      return e;
    }
    if (t.kind() == Token.Kind.IDENT) {
      if ((t.text().equals("max") || t.text().equals("min")) && peek(1).is("(")) {
        next();
        next();
        Ast.TypeRef type = type("an integer type in " + t.text() + "(...)");
        expect(")", "to close " + t.text() + "(...)");
        return new Ast.Builtin(t.text(), type, t.pos());
      }
      return new Ast.NameRef(qname("name"));
    }
    throw err(t, "expected a constant expression");
  }
}
