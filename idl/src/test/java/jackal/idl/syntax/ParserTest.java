package jackal.idl.syntax;

import static jackal.idl.TestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.idl.IdlException;
import jackal.idl.SourceFile;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {
  private static Ast.Unit parse(String text) throws IdlException {
    return Parser.parse(new SourceFile("P.idl", text));
  }

  @Test
  void everyTopLevelConstructOfTheFixture() throws IdlException {
    Ast.Unit u = Parser.parse(fixture("constructs.idl"));
    assertThat(u.packageName().dotted()).isEqualTo("test.constructs");
    assertThat(u.decls())
        .extracting(d -> d.getClass().getSimpleName() + " " + d.name())
        .containsExactly(
            "Const packageLimit",
            "ExceptionDecl Failure",
            "ExceptionDecl Plain",
            "Typedef big_t",
            "Typedef bigger_t",
            "EnumDecl color",
            "EnumDecl small",
            "EnumDecl flags",
            "Struct point",
            "Struct shape",
            "Interface Base",
            "Interface Everything");
    Ast.ExceptionDecl failure = (Ast.ExceptionDecl) u.decls().get(1);
    assertThat(failure.doc()).isEqualTo("A package-level exception\n with fields.");
    assertThat(failure.fields()).extracting(Ast.Field::name).containsExactly("code", "fatal");
    assertThat(((Ast.ExceptionDecl) u.decls().get(2)).fields()).isEmpty();

    Ast.EnumDecl small = (Ast.EnumDecl) u.decls().get(6);
    assertThat(small.base())
        .isEqualTo(new Ast.Primitive(Ast.PrimKind.INTEGER, 8, false, small.base().pos()));
    assertThat(small.bitset()).isFalse();
    assertThat(small.members())
        .extracting(Ast.EnumMember::name)
        .containsExactly("one", "two", "three");
    Ast.EnumDecl color = (Ast.EnumDecl) u.decls().get(5);
    assertThat(color.base()).isNull();
    assertThat(((Ast.EnumDecl) u.decls().get(7)).bitset()).isTrue();

    Ast.Interface base = (Ast.Interface) u.decls().get(10);
    assertThat(base.isAbstract()).isTrue();
    assertThat(base.base()).isNull();
    assertThat(base.raises()).extracting(Ast.QName::dotted).containsExactly("Base.Broken");
    assertThat(base.doc())
        .isEqualTo("The root of this test's interfaces.\nSecond line of its documentation.");
    Ast.Method count = (Ast.Method) base.members().get(4);
    assertThat(count.params()).isEmpty();

    Ast.Interface every = (Ast.Interface) u.decls().get(11);
    assertThat(every.isAbstract()).isFalse();
    assertThat(every.base().dotted()).isEqualTo("Base");
    assertThat(every.doc()).isEqualTo("Everything at once.\n\nA second paragraph.");
    assertThat(every.members().getFirst().doc()).isEqualTo("Try again later.");
    assertThat(every.members().getLast()).isInstanceOf(Ast.Inherits.class);
  }

  @Test
  void methodsModifiersAndParameters() throws IdlException {
    Ast.Unit u = Parser.parse(fixture("constructs.idl"));
    Ast.Interface every = (Ast.Interface) u.decls().get(11);
    List<Ast.Method> methods =
        every.members().stream()
            .filter(Ast.Method.class::isInstance)
            .map(Ast.Method.class::cast)
            .toList();
    Ast.Method notify = methods.getFirst();
    assertThat(notify.name()).isEqualTo("notify");
    assertThat(notify.oneway()).isTrue();
    Ast.Method takesAll = methods.get(1);
    assertThat(takesAll.params()).extracting(Ast.Param::out).containsOnly(false);
    assertThat(takesAll.params())
        .extracting(p -> ((Ast.Primitive) p.type()).bits())
        .containsExactly(8, 16, 32, 64);
    Ast.Method choose = methods.get(4);
    assertThat(choose.params()).extracting(Ast.Param::out).containsExactly(false, false, true);
    Ast.Method caps = methods.get(5);
    assertThat(caps.raises()).extracting(Ast.QName::dotted).containsExactly("Busy", "Failure");
    assertThat(methods)
        .filteredOn(Ast.Method::client)
        .extracting(Ast.Method::name)
        .containsExactly("helper");
    assertThat(methods)
        .filteredOn(Ast.Method::nostub)
        .extracting(Ast.Method::name)
        .containsExactly("hidden");
    Ast.Method qualified =
        methods.stream().filter(m -> m.name().equals("qualified")).findFirst().orElseThrow();
    assertThat(((Ast.Named) qualified.params().get(1).type()).name().parts())
        .containsExactly("test", "other", "Remote");
  }

  @Test
  void typesAsWritten() throws IdlException {
    Ast.Unit u =
        parse(
            "package p;\n"
                + "typedef sequence<array<long, 2>, 3> a;\n"
                + "typedef string b;\n"
                + "typedef string<(64 >> 1)> c;\n"
                + "typedef unsigned<16> d;\n"
                + "typedef wchar<16> e;\n"
                + "typedef integer<64> f;\n"
                + "typedef long long g;\n"
                + "typedef unsigned long long h;\n"
                + "typedef double i;\n");
    List<Ast.TypeRef> t = u.decls().stream().map(d -> ((Ast.Typedef) d).type()).toList();
    Ast.Sequence a = (Ast.Sequence) t.get(0);
    assertThat(a.element()).isInstanceOf(Ast.Array.class);
    assertThat(((Ast.Literal) a.bound()).value()).isEqualTo(3);
    assertThat(((Ast.Str) t.get(1)).bound()).isNull();
    assertThat(((Ast.Str) t.get(2)).bound()).isInstanceOf(Ast.Binary.class);
    assertThat(t.subList(3, 9))
        .extracting(
            x ->
                ((Ast.Primitive) x).kind()
                    + "/"
                    + ((Ast.Primitive) x).bits()
                    + "/"
                    + ((Ast.Primitive) x).signed())
        .containsExactly(
            "INTEGER/16/false",
            "WCHAR/16/false",
            "INTEGER/64/true",
            "INTEGER/64/true",
            "INTEGER/64/false",
            "FLOAT/64/true");
  }

  @Test
  void expressionPrecedenceFollowsC() throws IdlException {
    Ast.Unit u = parse("package p; const long k = 1 | 2 ^ 3 & 4 << 5 + 6 * -7;");
    Ast.Expr e = ((Ast.Const) u.decls().getFirst()).value();
    assertThat(render(e)).isEqualTo("(1 | (2 ^ (3 & (4 << (5 + (6 * -7))))))");
    Ast.Unit v = parse("package p; const long k = (1 - 2) - 3 / max(unsigned byte);");
    assertThat(render(((Ast.Const) v.decls().getFirst()).value()))
        .isEqualTo("((1 - 2) - (3 / max(INTEGER)))");
  }

  private static String render(Ast.Expr e) {
    return switch (e) {
      case Ast.Literal l -> l.value().toString();
      case Ast.BoolLiteral b -> Boolean.toString(b.value());
      case Ast.NameRef n -> n.name().dotted();
      case Ast.Unary x -> x.op() + render(x.operand());
      case Ast.Binary b -> "(" + render(b.left()) + " " + b.op() + " " + render(b.right()) + ")";
      case Ast.Builtin f -> f.function() + "(" + ((Ast.Primitive) f.argument()).kind() + ")";
    };
  }

  @Test
  void closingShiftInsideAnglesEndsTheBound() throws IdlException {
    // ">>" after a bound closes the type (the C++ way); a shift needs parentheses.
    assertThatThrownBy(() -> parse("package p; typedef sequence<char, 64 >> 1> s;"))
        .hasMessage("P.idl:1:39: expected name of the typedef");
    assertThat(parse("package p; typedef sequence<char, (64 >> 1)> s;").decls()).hasSize(1);
  }

  @Test
  void sizedEnumAndPlainEnum() throws IdlException {
    Ast.Unit u = parse("package p; unsigned long enum A { x = 1 }; enum B { y };");
    assertThat(((Ast.EnumDecl) u.decls().get(0)).base()).isNotNull();
    assertThat(((Ast.EnumDecl) u.decls().get(1)).base()).isNull();
    assertThat(
            ((Ast.Literal) ((Ast.EnumDecl) u.decls().get(0)).members().getFirst().value()).value())
        .isEqualTo(BigInteger.ONE);
  }

  @Test
  void reservedWordsCannotBeNames() {
    assertThatThrownBy(() -> parse("package p; interface A { void f(long out); };"))
        .hasMessage("P.idl:1:38: expected parameter name, but 'out' is a reserved word");
    assertThatThrownBy(() -> parse("package p; typedef long double d;"))
        .hasMessage("P.idl:1:25: long double is not supported");
    assertThatThrownBy(() -> parse("package p; union u { };"))
        .hasMessage("P.idl:1:12: unions are not supported");
    assertThatThrownBy(() -> parse("package p; import q;"))
        .hasMessage(
            "P.idl:1:12: import is not supported: name other packages' types by qualified name");
  }
}
