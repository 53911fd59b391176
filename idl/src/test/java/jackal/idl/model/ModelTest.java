package jackal.idl.model;

import static jackal.idl.TestSupport.compile;
import static jackal.idl.TestSupport.compileFixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.idl.IdlException;
import jackal.idl.KernelIdl;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelTest {
  static Model m;

  @BeforeAll
  static void compileFixtures_() throws IdlException {
    m = compileFixtures("constructs.idl", "other.idl");
  }

  private static BigInteger constant(String qn) {
    return m.lookup(qn, ConstDef.class).orElseThrow().value();
  }

  @Test
  void symbolTableHasQualifiedNames() {
    assertThat(m.packages())
        .extracting(IdlPackage::name)
        .containsExactly("test.constructs", "test.other");
    assertThat(m.symbols().keySet())
        .contains(
            "test.constructs.packageLimit",
            "test.constructs.Failure",
            "test.constructs.flags",
            "test.constructs.flags.d",
            "test.constructs.Base.port_t",
            "test.constructs.Everything.Busy",
            "test.constructs.Everything.caps",
            "test.other.Remote.where");
    assertThat(m.lookup("test.constructs.Everything.ping"))
        .isEmpty(); // inherited, not declared there
    assertThat(m.iface("test.constructs.Everything").member("ping").orElseThrow().qualifiedName())
        .isEqualTo("test.constructs.Base.ping");
    assertThat(m.interfaces())
        .extracting(Decl::qualifiedName)
        .containsExactly("test.constructs.Base", "test.constructs.Everything", "test.other.Remote");
    assertThat(m.lookup("test.constructs.flags.d").orElseThrow().pkg().name())
        .isEqualTo("test.constructs");
  }

  @Test
  void constantExpressions() {
    assertThat(constant("test.constructs.packageLimit")).isEqualTo(256);
    assertThat(constant("test.constructs.Base.firstPort")).isEqualTo(19);
    assertThat(constant("test.constructs.Everything.negative")).isEqualTo(-5);
    assertThat(constant("test.constructs.Everything.all")).isEqualTo(4294967295L);
    assertThat(constant("test.constructs.Everything.lowest")).isEqualTo(-2147483648L);
    assertThat(constant("test.constructs.Everything.hexes")).isEqualTo(0x00FF0001);
    assertThat(constant("test.constructs.Everything.mixed")).isEqualTo(6);
    assertThat(constant("test.constructs.Everything.yes")).isEqualTo(1);
    assertThat(constant("test.constructs.Everything.fromEnum")).isEqualTo(32);
    assertThat(constant("test.constructs.Everything.shifted")).isEqualTo(16);
    assertThat(constant("test.constructs.Everything.octal")).isEqualTo(511);
    assertThat(constant("test.constructs.Everything.letter")).isEqualTo(65);
    assertThat(
            m.lookup("test.constructs.Base.firstPort", ConstDef.class)
                .orElseThrow()
                .type()
                .resolved())
        .isEqualTo(new Type.IntType(16, false));
  }

  @Test
  void enumsAndBitsets() {
    EnumDef color = m.lookup("test.constructs.color", EnumDef.class).orElseThrow();
    assertThat(color.base()).isEqualTo(Type.IntType.LONG);
    assertThat(color.members())
        .extracting(x -> x.name() + "=" + x.value())
        .containsExactly("red=0", "green=5", "blue=6");
    EnumDef small = m.lookup("test.constructs.small", EnumDef.class).orElseThrow();
    assertThat(small.base()).isEqualTo(new Type.IntType(8, false));
    assertThat(small.members()).extracting(EnumMember::longValue).containsExactly(1L, 2L, 3L);
    EnumDef flags = m.lookup("test.constructs.flags", EnumDef.class).orElseThrow();
    assertThat(flags.isBitset()).isTrue();
    assertThat(flags.members()).extracting(EnumMember::longValue).containsExactly(1L, 2L, 16L, 32L);
    assertThat(flags.member("c").orElseThrow().qualifiedName())
        .isEqualTo("test.constructs.flags.c");
  }

  @Test
  void typesResolveRelativeInheritedAndQualified() {
    InterfaceDef every = m.iface("test.constructs.Everything");
    MethodDef port = every.method("port").orElseThrow();
    // port_t, unqualified inside Everything, is Base's (inherited)
    assertThat(port.returnType())
        .isEqualTo(
            new Type.AliasType(
                m.lookup("test.constructs.Base.port_t", TypedefDef.class).orElseThrow()));
    assertThat(port.params().get(0).type()).isEqualTo(port.returnType());
    assertThat(port.params().get(1).type().resolved()).isEqualTo(new Type.IntType(64, false));
    assertThat(port.params().get(1).type().idl()).isEqualTo("test.constructs.bigger_t");

    MethodDef q = every.method("qualified").orElseThrow();
    assertThat(q.params().get(0).type())
        .isEqualTo(
            new Type.StructType(m.lookup("test.constructs.point", StructDef.class).orElseThrow()));
    assertThat(q.params().get(1).type()).isEqualTo(new Type.CapType(m.iface("test.other.Remote")));

    MethodDef caps = every.method("caps").orElseThrow();
    assertThat(caps.params())
        .extracting(p -> p.type().idl())
        .containsExactly("test.constructs.Base", "Cap", "test.constructs.Everything");
    assertThat(caps.params())
        .extracting(Param::direction)
        .containsExactly(Param.Direction.IN, Param.Direction.IN, Param.Direction.OUT);
    assertThat(caps.returnType().isCapability()).isTrue();

    MethodDef widths = every.method("widths").orElseThrow();
    assertThat(widths.params())
        .extracting(Param::type)
        .containsExactly(
            new Type.IntType(16, true),
            new Type.IntType(32, false),
            new Type.CharType(32, true),
            new Type.CharType(16, true));
    MethodDef choose = every.method("choose").orElseThrow();
    assertThat(choose.params())
        .extracting(p -> p.type().idl())
        .containsExactly("boolean", "char", "test.constructs.color");
    assertThat(every.method("half").orElseThrow().returnType()).isEqualTo(new Type.FloatType(32));

    var text = m.lookup("test.constructs.Everything.text_t", TypedefDef.class).orElseThrow();
    assertThat(text.type()).isEqualTo(new Type.SequenceType(new Type.CharType(8, false), 256));
    assertThat(m.lookup("test.constructs.Everything.name_t", TypedefDef.class).orElseThrow().type())
        .isEqualTo(new Type.StringType(-1));
    assertThat(
            m.lookup("test.constructs.Everything.shortName_t", TypedefDef.class)
                .orElseThrow()
                .type())
        .isEqualTo(new Type.StringType(32));
    assertThat(m.lookup("test.constructs.Everything.quad", TypedefDef.class).orElseThrow().type())
        .isEqualTo(new Type.ArrayType(new Type.IntType(8, false), 4));

    InterfaceDef remote = m.iface("test.other.Remote");
    assertThat(remote.base()).contains(m.iface("test.constructs.Base"));
    assertThat(remote.method("where").orElseThrow().returnType().idl())
        .isEqualTo("test.constructs.point");
  }

  @Test
  void inheritanceMethodsAndRaises() {
    InterfaceDef base = m.iface("test.constructs.Base");
    InterfaceDef every = m.iface("test.constructs.Everything");
    assertThat(every.isSubtypeOf(base)).isTrue();
    assertThat(base.isSubtypeOf(every)).isFalse();
    assertThat(base.isAbstract()).isTrue();
    assertThat(every.allMethods())
        .extracting(Decl::name)
        .startsWith("ping", "count", "notify", "takesAll");
    assertThat(every.methods()).extracting(Decl::name).doesNotContain("ping");
    assertThat(every.raises()).extracting(Decl::name).containsExactly("Broken", "Plain");
    assertThat(every.method("caps").orElseThrow().raises())
        .extracting(Decl::qualifiedName)
        .containsExactly(
            "test.constructs.Everything.Busy",
            "test.constructs.Failure",
            "test.constructs.Base.Broken",
            "test.constructs.Plain");
    assertThat(every.allExceptions()).extracting(Decl::name).containsExactly("Broken", "Busy");
    assertThat(every.inheritsDeclared())
        .extracting(Decl::qualifiedName)
        .containsExactly("test.constructs.Base.ping");
    assertThat(m.exception("test.constructs.Failure").fields())
        .extracting(Field::name)
        .containsExactly("code", "fatal");
    assertThat(m.exception("test.constructs.Everything.Busy").fields()).hasSize(1);
  }

  @Test
  void methodFlags() {
    InterfaceDef every = m.iface("test.constructs.Everything");
    MethodDef helper = every.method("helper").orElseThrow();
    assertThat(helper.isClient()).isTrue();
    assertThat(helper.layout()).isNull();
    assertThatThrownBy(helper::code).isInstanceOf(IllegalStateException.class);
    assertThat(every.method("hidden").orElseThrow().isNostub()).isTrue();
    assertThat(every.method("hidden").orElseThrow().layout()).isNotNull();
    assertThat(every.method("notify").orElseThrow().isOneway()).isTrue();
    MethodDef choose = every.method("choose").orElseThrow();
    assertThat(choose.result().orElseThrow().isResult()).isTrue();
    assertThat(choose.result().orElseThrow().name()).isEqualTo(Param.RESULT_NAME);
    assertThat(choose.outParams())
        .extracting(Param::name)
        .containsExactly("picked", Param.RESULT_NAME);
    assertThat(choose.inParams()).extracting(Param::name).containsExactly("x", "c");
    assertThat(every.method("ping").orElseThrow().result()).isEmpty();
  }

  @Test
  void docCommentsAttachToTheFollowingDeclaration() {
    assertThat(m.iface("test.constructs.Base").doc())
        .isEqualTo("The root of this test's interfaces.\nSecond line of its documentation.");
    assertThat(m.iface("test.constructs.Everything").doc())
        .isEqualTo("Everything at once.\n\nA second paragraph.");
    assertThat(m.exception("test.constructs.Everything.Busy").doc()).isEqualTo("Try again later.");
    assertThat(m.lookup("test.constructs.packageLimit").orElseThrow().doc())
        .isEqualTo("A package-level constant.");
    assertThat(
            m.lookup("test.constructs.point", StructDef.class)
                .orElseThrow()
                .fields()
                .getFirst()
                .doc())
        .isEqualTo("Across.");
    assertThat(m.exception("test.constructs.Plain").doc()).isNull();
    // ordinary comments and "/**/" or "////" are not documentation
    assertThat(m.iface("test.constructs.Base").doc()).doesNotContain("ordinary", "four slashes");
  }

  @Test
  void innerScopesShadowOuterOnes() throws IdlException {
    Model x =
        compile(
            "package p;\n"
                + "typedef long t;\n"
                + "interface A {\n"
                + "  typedef short t;\n"
                + "  void f(t inner, p.t outer);\n"
                + "};\n");
    MethodDef f = x.method("p.A.f");
    assertThat(f.params().get(0).type().idl()).isEqualTo("p.A.t");
    assertThat(f.params().get(1).type().idl()).isEqualTo("p.t");
  }

  @Test
  void capIsBuiltInOnlyWhenNothingDeclaresIt() throws IdlException {
    Model k = KernelIdl.model();
    Type t = k.method("coyotos.Endpoint.makeEntryCap").returnType();
    assertThat(t).isEqualTo(new Type.CapType(k.iface("coyotos.Cap")));
    Model x = compile("package p; interface A { void f(Cap c); };");
    assertThat(x.method("p.A.f").params().getFirst().type()).isEqualTo(new Type.CapType(null));
  }

  @Test
  void forwardReferencesWork() throws IdlException {
    Model x =
        compile(
            "package p;\n"
                + "interface B extends A raises(Late) { void g(later_t v, C c); exception Late; typedef long later_t; };\n"
                + "interface A { };\n"
                + "interface C { };\n"
                + "const long k = j * 2; const long j = 21;\n");
    assertThat(x.iface("p.B").raises()).extracting(Decl::name).containsExactly("Late");
    assertThat(x.lookup("p.k", ConstDef.class).orElseThrow().value()).isEqualTo(42);
  }

  @Test
  void modelIsReadOnlyFromOutside() {
    assertThatThrownBy(() -> m.symbols().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.iface("test.constructs.Base").methods().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(List.copyOf(m.iface("test.constructs.Base").declaredMembers())).isNotEmpty();
  }
}
