package jackal.image.syntax;

import jackal.image.ImageException;
import jackal.image.SourcePos;
import jackal.image.syntax.Ast.Assign;
import jackal.image.syntax.Ast.Binary;
import jackal.image.syntax.Ast.Block;
import jackal.image.syntax.Ast.BoolLit;
import jackal.image.syntax.Ast.Call;
import jackal.image.syntax.Ast.Def;
import jackal.image.syntax.Ast.DefProc;
import jackal.image.syntax.Ast.DoWhile;
import jackal.image.syntax.Ast.EnumDef;
import jackal.image.syntax.Ast.EnumMember;
import jackal.image.syntax.Ast.ExportNames;
import jackal.image.syntax.Ast.Expr;
import jackal.image.syntax.Ast.ExprStmt;
import jackal.image.syntax.Ast.Field;
import jackal.image.syntax.Ast.Ident;
import jackal.image.syntax.Ast.If;
import jackal.image.syntax.Ast.Import;
import jackal.image.syntax.Ast.Index;
import jackal.image.syntax.Ast.IntLit;
import jackal.image.syntax.Ast.New;
import jackal.image.syntax.Ast.Print;
import jackal.image.syntax.Ast.Return;
import jackal.image.syntax.Ast.Stmt;
import jackal.image.syntax.Ast.StrLit;
import jackal.image.syntax.Ast.Unary;
import jackal.image.syntax.Ast.While;
import jackal.image.syntax.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses one image file into an {@link Ast.Module}. Precedence, loosest first: {@code == !=};
 * {@code < > <= >=}; {@code + -}; {@code * / %}; unary {@code ! -}; then {@code .}, calls and
 * {@code [ ]}. Binary operators associate to the left.
 */
public final class Parser {
  /** The object kinds {@code new} can allocate. */
  public static final List<String> KINDS =
      List.of("Bank", "Page", "CapPage", "GPT", "Endpoint", "Process");

  /** Deeper nesting than this is refused rather than risking the Java stack. */
  public static final int MAX_NESTING = 200;

  private static final Set<String> EQUALITY = Set.of("==", "!=");
  private static final Set<String> COMPARISON = Set.of("<", ">", "<=", ">=");
  private static final Set<String> ADDITIVE = Set.of("+", "-");
  private static final Set<String> MULTIPLICATIVE = Set.of("*", "/", "%");

  private final List<Token> tokens;
  private int at;
  private int nesting;
  private int procedures;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** Parses the text of one file. */
  public static Ast.Module parse(String file, String text) throws ImageException {
    return new Parser(Lexer.tokenize(file, text)).module();
  }

  private Token peek() {
    return tokens.get(at);
  }

  private Token next() {
    Token t = tokens.get(at);
    if (t.kind() != Kind.EOF) {
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

  private Token expect(String s, String why) throws ImageException {
    Token t = peek();
    if (!t.is(s)) {
      throw new ImageException(t.pos(), "expected '" + s + "' " + why + ", found " + t.describe());
    }
    return next();
  }

  private Token ident(String what) throws ImageException {
    Token t = peek();
    if (t.kind() != Kind.IDENT) {
      String found =
          t.kind() == Kind.RESERVED
              ? "reserved word '" + t.text() + "', which cannot be used as a name"
              : t.describe();
      throw new ImageException(t.pos(), "expected " + what + ", found " + found);
    }
    return next();
  }

  private void enter(SourcePos pos) throws ImageException {
    if (++nesting > MAX_NESTING) {
      throw new ImageException(pos, "nested too deeply (more than " + MAX_NESTING + " levels)");
    }
  }

  private Ast.Module module() throws ImageException {
    Token kw = peek();
    if (!kw.is("module")) {
      throw new ImageException(
          kw.pos(), "a file must start with 'module NAME {', found " + kw.describe());
    }
    next();
    SourcePos namePos = peek().pos();
    String name = moduleName();
    expect("{", "after the module name");
    List<Stmt> body = new ArrayList<>();
    while (!peek().is("}")) {
      if (peek().kind() == Kind.EOF) {
        throw new ImageException(peek().pos(), "module " + name + " is not closed: missing '}'");
      }
      body.add(moduleStatement());
    }
    next();
    Token after = peek();
    if (after.kind() != Kind.EOF) {
      throw new ImageException(
          after.pos(), "nothing may follow the module's closing '}', found " + after.describe());
    }
    return new Ast.Module(name, namePos, body);
  }

  private String moduleName() throws ImageException {
    StringBuilder sb = new StringBuilder(ident("a module name").text());
    while (accept(".")) {
      sb.append('.').append(ident("a module name part after '.'").text());
    }
    for (int i = 0; i < sb.length(); i++) {
      if (sb.charAt(i) > 0xFF) {
        throw new ImageException(
            tokens.get(at - 1).pos(), "module name '" + sb + "' must use ISO-LATIN-1 only");
      }
    }
    return sb.toString();
  }

  private Stmt moduleStatement() throws ImageException {
    Token t = peek();
    if (t.is("import")) {
      next();
      String local = ident("the local name of the import").text();
      expect("=", "after the import's local name");
      SourcePos modulePos = peek().pos();
      String module = moduleName();
      expect(";", "after the imported module's name");
      return new Import(t.pos(), local, module, modulePos);
    }
    if (t.is("export")) {
      next();
      Token what = peek();
      if (what.is("def") || what.is("enum") || what.is("capreg")) {
        return definition(true);
      }
      List<String> names = new ArrayList<>();
      List<SourcePos> positions = new ArrayList<>();
      do {
        Token n = ident("'def', 'enum', 'capreg' or a name to export");
        names.add(n.text());
        positions.add(n.pos());
      } while (accept(","));
      expect(";", "after the exported names");
      return new ExportNames(t.pos(), names, positions);
    }
    return statement();
  }

  private Stmt statement() throws ImageException {
    Token t = peek();
    if (t.kind() == Kind.RESERVED) {
      switch (t.text()) {
        case "def", "enum", "capreg" -> {
          return definition(false);
        }
        case "if" -> {
          return ifStatement();
        }
        case "while" -> {
          next();
          Expr cond = condition("while");
          return new While(t.pos(), cond, block("the loop body"));
        }
        case "do" -> {
          next();
          Block body = block("the loop body");
          expect("while", "after a 'do' loop's body");
          Expr cond = condition("while");
          expect(";", "after 'do { ... } while (...)'");
          return new DoWhile(t.pos(), body, cond);
        }
        case "return" -> {
          next();
          if (procedures == 0) {
            throw new ImageException(t.pos(), "'return' outside a procedure");
          }
          Expr value = expression();
          expect(";", "after the returned value");
          return new Return(t.pos(), value);
        }
        case "print" -> {
          next();
          boolean fields = accept("*");
          Expr value = expression();
          expect(";", "after the printed value");
          return new Print(t.pos(), fields, value);
        }
        case "import", "export" ->
            throw new ImageException(
                t.pos(), "'" + t.text() + "' is allowed only at the top level of a module");
        case "external", "lambda", "not", "using" ->
            throw new ImageException(
                t.pos(), "reserved word '" + t.text() + "' is not implemented");
        default -> {
          // an expression such as 'new', 'true' or 'false' follows
        }
      }
    }
    if (t.is("{")) {
      throw new ImageException(
          t.pos(), "a block is not a statement; write 'def x = { ... };' to use its value");
    }
    Expr e = expression();
    if (peek().is("=")) {
      Token eq = next();
      if (!(e instanceof Ident || e instanceof Field || e instanceof Index)) {
        throw new ImageException(
            e.pos(),
            "the left side of '=' must be a name, a field or a slot (at "
                + eq.pos().line()
                + ":"
                + eq.pos().column()
                + ")");
      }
      Expr value = expression();
      expect(";", "after the assigned value");
      return new Assign(t.pos(), e, value);
    }
    expect(";", "after the expression");
    return new ExprStmt(t.pos(), e);
  }

  private Expr condition(String keyword) throws ImageException {
    expect("(", "after '" + keyword + "'");
    Expr cond = expression();
    expect(")", "after the condition");
    return cond;
  }

  private Stmt ifStatement() throws ImageException {
    Token t = next();
    enter(t.pos());
    Expr cond = condition("if");
    Block then = block("the 'if' branch");
    Stmt otherwise = null;
    if (accept("else")) {
      if (peek().is("if")) {
        otherwise = ifStatement();
      } else {
        Block b = block("the 'else' branch");
        otherwise = new Ast.ExprStmt(b.pos(), b);
      }
    }
    nesting--;
    return new If(t.pos(), cond, then, otherwise);
  }

  private Block block(String what) throws ImageException {
    Token open = peek();
    if (!open.is("{")) {
      throw new ImageException(
          open.pos(), "expected '{' to start " + what + ", found " + open.describe());
    }
    next();
    enter(open.pos());
    List<Stmt> body = new ArrayList<>();
    while (!peek().is("}")) {
      if (peek().kind() == Kind.EOF) {
        throw new ImageException(
            peek().pos(), "block opened at " + open.pos() + " is not closed: missing '}'");
      }
      body.add(statement());
    }
    next();
    if (body.isEmpty()) {
      throw new ImageException(open.pos(), "a block needs at least one statement");
    }
    nesting--;
    return new Block(open.pos(), body);
  }

  private Stmt definition(boolean exported) throws ImageException {
    Token kw = next();
    if (kw.is("enum") || kw.is("capreg")) {
      return enumeration(kw, exported);
    }
    Token name = ident("a name after 'def'");
    if (accept("(")) {
      List<String> params = new ArrayList<>();
      if (!peek().is(")")) {
        do {
          Token p = ident("a parameter name");
          if (params.contains(p.text())) {
            throw new ImageException(p.pos(), "parameter '" + p.text() + "' appears twice");
          }
          params.add(p.text());
        } while (accept(","));
      }
      expect(")", "after the parameters");
      procedures++;
      Block body = block("the body of procedure '" + name.text() + "'");
      procedures--;
      accept(";");
      return new DefProc(kw.pos(), name.text(), List.copyOf(params), body, exported);
    }
    expect("=", "after 'def " + name.text() + "'");
    Expr value = expression();
    expect(";", "after the definition of '" + name.text() + "'");
    return new Def(kw.pos(), name.text(), value, exported);
  }

  private Stmt enumeration(Token kw, boolean exported) throws ImageException {
    String name = null;
    if (peek().kind() == Kind.IDENT) {
      name = next().text();
    }
    expect("{", "to start the members of '" + kw.text() + "'");
    List<EnumMember> members = new ArrayList<>();
    do {
      if (peek().is("}") && !members.isEmpty()) {
        break; // a trailing comma
      }
      Token m = ident("an enumeration member name");
      for (EnumMember prior : members) {
        if (prior.name().equals(m.text())) {
          throw new ImageException(m.pos(), "member '" + m.text() + "' appears twice");
        }
      }
      Expr value = accept("=") ? expression() : null;
      members.add(new EnumMember(m.pos(), m.text(), value));
    } while (accept(","));
    expect("}", "after the enumeration members");
    accept(";");
    return new EnumDef(kw.pos(), kw.is("capreg"), name, List.copyOf(members), exported);
  }

  private Expr expression() throws ImageException {
    enter(peek().pos());
    Expr e = binary(0);
    nesting--;
    return e;
  }

  private static Set<String> level(int n) {
    return switch (n) {
      case 0 -> EQUALITY;
      case 1 -> COMPARISON;
      case 2 -> ADDITIVE;
      default -> MULTIPLICATIVE;
    };
  }

  private Expr binary(int lvl) throws ImageException {
    if (lvl > 3) {
      return unary();
    }
    Expr left = binary(lvl + 1);
    while (peek().kind() == Kind.PUNCT && level(lvl).contains(peek().text())) {
      Token op = next();
      Expr right = binary(lvl + 1);
      left = new Binary(op.pos(), op.text(), left, right);
    }
    return left;
  }

  private Expr unary() throws ImageException {
    Token t = peek();
    if (t.is("-") || t.is("!")) {
      next();
      enter(t.pos());
      Expr operand = unary();
      nesting--;
      return new Unary(t.pos(), t.text(), operand);
    }
    return postfix(primary());
  }

  private Expr postfix(Expr e) throws ImageException {
    while (true) {
      Token t = peek();
      if (t.is(".")) {
        next();
        Token name = ident("a field name after '.'");
        e = new Field(name.pos(), e, name.text());
      } else if (t.is("(")) {
        next();
        List<Expr> args = new ArrayList<>();
        if (!peek().is(")")) {
          do {
            args.add(expression());
          } while (accept(","));
        }
        expect(")", "after the call's arguments");
        e = new Call(t.pos(), e, List.copyOf(args));
      } else if (t.is("[")) {
        next();
        Expr index = expression();
        expect("]", "after the slot index");
        e = new Index(t.pos(), e, index);
      } else {
        return e;
      }
    }
  }

  private Expr primary() throws ImageException {
    Token t = peek();
    switch (t.kind()) {
      case INT -> {
        next();
        return new IntLit(t.pos(), t.value());
      }
      case STRING -> {
        next();
        return new StrLit(t.pos(), t.text());
      }
      case IDENT -> {
        next();
        return new Ident(t.pos(), t.text());
      }
      default -> {
        // punctuation and reserved words below
      }
    }
    if (t.is("true") || t.is("false")) {
      next();
      return new BoolLit(t.pos(), t.is("true"));
    }
    if (t.is("(")) {
      next();
      Expr e = expression();
      expect(")", "to close the '(' at " + t.pos().line() + ":" + t.pos().column());
      return e;
    }
    if (t.is("{")) {
      return block("a block expression");
    }
    if (t.is("new")) {
      next();
      Token kind = peek();
      if (kind.kind() != Kind.IDENT || !KINDS.contains(kind.text())) {
        throw new ImageException(
            kind.pos(),
            "'new' needs an object kind ("
                + String.join(", ", KINDS)
                + "), found "
                + kind.describe());
      }
      next();
      expect("(", "after 'new " + kind.text() + "'");
      Expr bank = expression();
      expect(")", "after the bank of 'new " + kind.text() + "'");
      return new New(t.pos(), kind.text(), bank);
    }
    if (t.kind() == Kind.RESERVED
        && Set.of("external", "lambda", "not", "using").contains(t.text())) {
      throw new ImageException(t.pos(), "reserved word '" + t.text() + "' is not implemented");
    }
    throw new ImageException(t.pos(), "expected an expression, found " + t.describe());
  }
}
