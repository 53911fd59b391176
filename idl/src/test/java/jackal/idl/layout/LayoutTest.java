package jackal.idl.layout;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.idl.IdlException;
import jackal.idl.KernelIdl;
import jackal.idl.TestSupport;
import jackal.idl.model.MethodDef;
import jackal.idl.model.Model;
import jackal.idl.model.Param;
import jackal.idl.model.Type;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LayoutTest {
  static Model kernel;
  static Model fixture;

  @BeforeAll
  static void compile() throws IdlException {
    kernel = KernelIdl.model();
    fixture = TestSupport.compileFixtures("layout.idl", "constructs.idl", "other.idl");
  }

  private static MethodLayout k(String qn) {
    return kernel.method(qn).layout();
  }

  private static MethodLayout f(String qn) {
    return fixture.method(qn).layout();
  }

  @Test
  void kernLogLogSendsItsStringWithAHeader() {
    MethodLayout l = k("coyotos.KernLog.log");
    assertThat(l.request().describe())
        .isEqualTo("w1=opcode w2=msg.max w3=msg.len w4=msg.ptr string=msg");
    assertThat(l.requestLastWord()).isEqualTo(4);
    assertThat(l.requestCapCount()).isZero();
    assertThat(l.request().words())
        .extracting(WordSlot::role)
        .containsExactly(
            WordSlot.Role.OPCODE,
            WordSlot.Role.STRING_MAX,
            WordSlot.Role.STRING_LENGTH,
            WordSlot.Role.STRING_ADDRESS);
    StringSlot s = l.request().string().orElseThrow();
    assertThat(s.maxElements()).isEqualTo(256);
    assertThat(s.elementBytes()).isEqualTo(1);
    assertThat(s.maxBytes()).isEqualTo(256);
    assertThat(List.of(s.maxWord(), s.lengthWord(), s.addressWord())).containsExactly(2, 3, 4);
    assertThat(s.element()).isEqualTo(new Type.CharType(8, false));
    assertThat(l.reply().words()).isEmpty();
    assertThat(l.reply().string()).isEmpty();
    assertThat(l.expectsReply()).isTrue();
  }

  @Test
  void identifyEntryReturnsTheResultLast() {
    MethodLayout l = k("coyotos.Process.identifyEntry");
    assertThat(l.request().describe()).isEqualTo("w1=opcode c1=ent");
    assertThat(l.requestLastWord()).isEqualTo(1);
    assertThat(l.requestCapCount()).isEqualTo(1);
    assertThat(l.reply().describe()).isEqualTo("w1=pp w2=epID w3=isMe w4=_result");
    WordSlot result = l.reply().words().getLast();
    assertThat(result.param().isResult()).isTrue();
    assertThat(result.type()).isEqualTo(Type.BOOLEAN);
    assertThat(l.reply().words().getFirst().type()).isEqualTo(new Type.IntType(32, false));

    MethodLayout b = k("coyotos.Process.identifyEntryWithBrand");
    assertThat(b.request().describe()).isEqualTo("w1=opcode c1=ent c2=brand");
    assertThat(b.reply().describe()).isEqualTo("w1=pp w2=epID w3=isMe w4=_result");
  }

  @Test
  void outCapabilitiesComeBackInReceiveSlotsFromZero() {
    MethodLayout a = k("coyotos.Process.amplifyCohortEntry");
    assertThat(a.reply().describe()).isEqualTo("w1=pp w2=epID w3=_result c0=peer");
    assertThat(a.replyCapCount()).isEqualTo(1);
    assertThat(a.reply().caps().getFirst().type().iface().qualifiedName())
        .isEqualTo("coyotos.Process");
    MethodLayout g = k("coyotos.Range.getProcess");
    assertThat(g.request().describe()).isEqualTo("w1=opcode w2=oid c1=brand");
    assertThat(g.reply().describe()).isEqualTo("c0=_result");
    MethodLayout x = k("coyotos.AddressSpace.extendedFetch");
    assertThat(x.reply().describe()).isEqualTo("w1=l2slot w2=perms c0=_result");
  }

  @Test
  void scalarsAndCapsKeepTheirOwnCounters() {
    assertThat(k("coyotos.Process.setSpaceAndPC").request().describe())
        .isEqualTo("w1=opcode w2=newPC c1=newAS");
    assertThat(k("coyotos.AddressSpace.extendedStore").request().describe())
        .isEqualTo("w1=opcode w2=offset w3=l2arg w4=guard c1=value");
    assertThat(k("coyotos.GPT.makeLocalWindow").request().describe())
        .isEqualTo("w1=opcode w2=slot w3=restr w4=offset w5=guard w6=localRoot");
    assertThat(k("coyotos.Range.identify").reply().describe()).isEqualTo("w1=type w2=offset");
    assertThat(k("coyotos.Range.identify").reply().words().getFirst().type().idl())
        .isEqualTo("coyotos.Range.obType");
  }

  @Test
  void onewayMethodsHaveNoReply() {
    MethodLayout h = k("coyotos.ProcessHandler.handle");
    assertThat(h.expectsReply()).isFalse();
    assertThat(h.request().describe()).isEqualTo("w1=opcode w2=faultCode w3=faultInfo c1=proc");
    assertThat(h.reply().words()).isEmpty();
    assertThat(h.reply().caps()).isEmpty();
    assertThat(f("test.layout.L.fire").request().describe()).isEqualTo("w1=opcode w2=a c1=c");
  }

  @Test
  void structsAndArraysFlatten() {
    MethodLayout g = k("coyotos.CapBits.get");
    assertThat(g.reply().describe())
        .isEqualTo("w1=bits.w[0] w2=bits.w[1] w3=bits.w[2] w4=bits.w[3]");
    WordSlot w2 = g.reply().words().get(2);
    assertThat(w2.path()).extracting(Step::toString).containsExactly(".w", "[2]");
    assertThat(w2.type()).isEqualTo(new Type.IntType(32, false));
    assertThat(f("test.constructs.Everything.draw").request().describe())
        .isEqualTo(
            "w1=opcode w2=s.origin.x w3=s.origin.y w4=s.corners[0].x w5=s.corners[0].y w6=s.corners[1].x w7=s.corners[1].y");
    assertThat(f("test.layout.L.capsInStruct").request().describe())
        .isEqualTo("w1=opcode w2=cp.tag c1=cp.first c2=cp.second");
  }

  @Test
  void theLimitsAreReachableExactly() {
    assertThat(f("test.layout.L.sixWords").requestLastWord()).isEqualTo(7);
    assertThat(f("test.layout.L.sevenReplyWords").replyLastWord()).isEqualTo(7);
    MethodLayout r = f("test.layout.L.sixAndResult");
    assertThat(r.reply().describe()).isEqualTo("w1=a w2=b w3=c w4=d w5=e w6=f w7=_result");
    assertThat(f("test.layout.L.threeCaps").request().describe())
        .isEqualTo("w1=opcode c1=a c2=b c3=c");
    assertThat(f("test.layout.L.threeCaps").requestCapCount()).isEqualTo(3);
    MethodLayout four = f("test.layout.L.fourCapResults");
    assertThat(four.reply().describe()).isEqualTo("c0=a c1=b c2=c c3=_result");
    assertThat(four.replyCapCount()).isEqualTo(4);
  }

  @Test
  void sequencesInBothDirections() {
    MethodLayout mixed = f("test.layout.L.mixed");
    assertThat(mixed.request().describe())
        .isEqualTo("w1=opcode w2=a w3=s.max w4=s.len w5=s.ptr w6=p.a w7=p.b c1=c string=s");
    MethodLayout echo = f("test.layout.L.echo");
    assertThat(echo.request().describe())
        .isEqualTo("w1=opcode w2=s.max w3=s.len w4=s.ptr string=s");
    assertThat(echo.reply().describe())
        .isEqualTo("w1=p.a w2=p.b w3=_result.max w4=_result.len w5=_result.ptr string=_result");
    StringSlot out = echo.reply().string().orElseThrow();
    assertThat(out.param().isResult()).isTrue();
    assertThat(out.maxBytes()).isEqualTo(64);
    MethodLayout pairs = f("test.constructs.Everything.pairs");
    StringSlot ps = pairs.request().string().orElseThrow();
    assertThat(ps.elementBytes()).isEqualTo(8);
    assertThat(ps.maxBytes()).isEqualTo(24);
    MethodDef name = fixture.method("test.constructs.Everything.name");
    assertThat(name.layout().reply().string().orElseThrow().maxBytes()).isEqualTo(-1);
  }

  @Test
  void slotsOfOneParameter() {
    MethodLayout mixed = f("test.layout.L.mixed");
    Param p = fixture.method("test.layout.L.mixed").params().get(3);
    assertThat(mixed.request().wordsOf(p)).extracting(WordSlot::word).containsExactly(6, 7);
    Param c = fixture.method("test.layout.L.mixed").params().get(1);
    assertThat(mixed.request().capsOf(c)).extracting(CapSlot::slot).containsExactly(1);
  }

  @Test
  void exceptionsCarryTheirCodeInWordOne() throws IdlException {
    ExceptionLayout plain = WireLayout.of(kernel.exception("coyotos.Cap.NoAccess"));
    assertThat(plain.words())
        .extracting(WordSlot::word, WordSlot::role)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, WordSlot.Role.EXCEPTION_CODE));
    ExceptionLayout failure = WireLayout.of(fixture.exception("test.constructs.Failure"));
    assertThat(failure.words())
        .extracting(WordSlot::describe)
        .containsExactly("code", "code", "fatal");
    assertThat(failure.lastWord()).isEqualTo(3);
  }

  @Test
  void everyKernelMethodFits() {
    for (var i : kernel.interfaces()) {
      for (MethodDef m : i.methods()) {
        MethodLayout l = m.layout();
        assertThat(l.requestLastWord()).isBetween(1, WireLayout.LAST_DATA_WORD);
        assertThat(l.replyLastWord()).isBetween(0, WireLayout.LAST_DATA_WORD);
        assertThat(l.requestCapCount()).isLessThanOrEqualTo(WireLayout.MAX_CAP_ARGS);
        assertThat(l.replyCapCount()).isLessThanOrEqualTo(WireLayout.MAX_CAP_RESULTS);
        assertThat(l.request().words().getFirst().role()).isEqualTo(WordSlot.Role.OPCODE);
      }
    }
  }

  @Test
  void nineRequestWordsPutTheLastThreeInTheStringAtTheirCOffsets() {
    MethodLayout l = f("test.layout.L.nineWords");
    assertThat(l.request().describe())
        .isEqualTo("w1=opcode w2=a1 w3=a2 w4=a3 w5=a4 w6=a5 w7=a6 s0=c s4=d s8=e");
    assertThat(l.requestLastWord()).isEqualTo(7);
    assertThat(l.request().stringFields())
        .extracting(StringField::offset, StringField::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, 1),
            org.assertj.core.groups.Tuple.tuple(4, 4),
            org.assertj.core.groups.Tuple.tuple(8, 8));
    assertThat(l.request().spillBytes()).isEqualTo(16);
    assertThat(l.request().hasString()).isTrue();
    assertThat(l.request().string()).isEmpty();
    assertThat(l.request().dataOffset()).isEqualTo(16);
    assertThat(l.request().maxStringBytes()).isEqualTo(16);
    assertThat(l.reply().hasString()).isFalse();
  }

  @Test
  void replyResultsPastWordSevenGoToTheStringWithTheReturnValueLast() {
    MethodLayout l = f("test.layout.L.nineResults");
    assertThat(l.reply().describe())
        .isEqualTo("w1=b1 w2=b2 w3=b3 w4=b4 w5=b5 w6=b6 w7=b7 s0=q s2=_result");
    assertThat(l.replyLastWord()).isEqualTo(7);
    assertThat(l.reply().spillBytes()).isEqualTo(4);
  }

  @Test
  void aSequencePlusSixWordsSendsItsBytesAfterTheWordsThatDidNotFit() {
    MethodLayout l = f("test.layout.L.seqPlusSix");
    assertThat(l.request().describe())
        .isEqualTo(
            "w1=opcode w2=v.max w3=v.len w4=v.ptr w5=x1 w6=x2 w7=x3 s0=x4 s8=x5 s16=x6"
                + " string=v@24");
    StringSlot s = l.request().string().orElseThrow();
    assertThat(List.of(s.maxWord(), s.lengthWord(), s.addressWord())).containsExactly(2, 3, 4);
    assertThat(l.request().dataOffset()).isEqualTo(24);
    assertThat(l.request().maxStringBytes()).isEqualTo(24 + 16 * 8);
  }

  @Test
  void aSequenceHeaderThatDoesNotFitTheWordsTravelsInTheString() {
    MethodLayout l = f("test.layout.L.headerPastTheWords");
    assertThat(l.reply().describe())
        .isEqualTo(
            "w1=y1 w2=y2 w3=y3 w4=y4 w5=y5 s0=_result.max s8=_result.len s16=_result.ptr"
                + " string=_result@24");
    StringSlot s = l.reply().string().orElseThrow();
    assertThat(List.of(s.maxWord(), s.lengthWord(), s.addressWord())).containsExactly(-1, -1, -1);
    assertThat(l.reply().stringFields())
        .extracting(StringField::role)
        .containsExactly(
            WordSlot.Role.STRING_MAX, WordSlot.Role.STRING_LENGTH, WordSlot.Role.STRING_ADDRESS);
    assertThat(l.replyLastWord()).isEqualTo(5);
  }

  @Test
  void structsAndArraysInTheStringKeepTheirCLayout() {
    MethodLayout l = f("test.layout.L.structPastTheWords");
    // b (1 byte) at 0; mix {byte; long long at 8; unsigned short at 16} aligned to 8, 24 bytes;
    // the array of three shorts right after it.
    assertThat(l.request().describe())
        .isEqualTo(
            "w1=opcode w2=a1 w3=a2 w4=a3 w5=a4 w6=a5 w7=a6 s0=b s8=m.b s16=m.v s24=m.s"
                + " s32=r[0] s34=r[1] s36=r[2]");
    assertThat(l.request().spillBytes()).isEqualTo(38);
  }

  @Test
  void laterParametersFollowIntoTheStringEvenIfTheyWouldFitAndCapabilitiesNeverDo() {
    MethodLayout l = f("test.layout.L.laterFollowEvenIfTheyFit");
    // p needs two words and only one is left: it goes to the string, and so does small, though
    // word 7 is free (Coyotos stops registerizing at the first parameter that does not fit).
    assertThat(l.request().describe())
        .isEqualTo("w1=opcode w2=a1 w3=a2 w4=a3 w5=a4 w6=a5 c1=c s0=p.a s4=p.b s8=small");
    assertThat(l.requestLastWord()).isEqualTo(6);
    assertThat(l.requestCapCount()).isEqualTo(1);
  }
}
