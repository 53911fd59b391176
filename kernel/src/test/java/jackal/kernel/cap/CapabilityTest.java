package jackal.kernel.cap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Restr;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import org.junit.jupiter.api.Test;

/** Value semantics of {@link Capability} and the {@link OidLayout} constants. */
class CapabilityTest {

  @Test
  void equalsAndHashCodeIgnoreTheTargetReference() {
    Page a = new Page(5);
    Page b = new Page(5);
    Capability ca = Capability.object(CapType.PAGE, 0, 12, a);
    Capability cb = Capability.object(CapType.PAGE, 0, 12, b);
    Capability unbound = Capability.of(CapType.PAGE, 0, 0, 12, 5, null);
    assertThat(ca.target).isSameAs(a);
    assertThat(ca)
        .isEqualTo(cb)
        .isEqualTo(unbound)
        .hasSameHashCodeAs(cb)
        .hasSameHashCodeAs(unbound);
  }

  @Test
  void equalsComparesEveryValueField() {
    Capability c = Capability.of(CapType.ENTRY, Restr.WEAK, 3, 4, 5, null);
    assertThat(c).isEqualTo(Capability.of(CapType.ENTRY, Restr.WEAK, 3, 4, 5, null));
    assertThat(c).isNotEqualTo(Capability.of(CapType.APP_NOTICE, Restr.WEAK, 3, 4, 5, null));
    assertThat(c).isNotEqualTo(Capability.of(CapType.ENTRY, 0, 3, 4, 5, null));
    assertThat(c).isNotEqualTo(Capability.of(CapType.ENTRY, Restr.WEAK, 4, 4, 5, null));
    assertThat(c).isNotEqualTo(Capability.of(CapType.ENTRY, Restr.WEAK, 3, 5, 5, null));
    assertThat(c).isNotEqualTo(Capability.of(CapType.ENTRY, Restr.WEAK, 3, 4, 6, null));
    assertThat(c).isNotEqualTo(null).isNotEqualTo("Entry");
  }

  @Test
  void objectCapTakesOidAndCurrentCountFromItsTarget() {
    Endpoint ep = new Endpoint(77);
    ep.allocCount = 12;
    Capability c = Capability.object(CapType.ENTRY, Restr.NO_CALL, 0xCAFE, ep);
    assertThat(c.oid).isEqualTo(77);
    assertThat(c.allocCount).isEqualTo(12);
    assertThat(c.payload()).isEqualTo(0xCAFE);
    assertThat(c.isObjectCap()).isTrue();
    ep.allocCount = 13; // a rescind later does not change the value already made
    assertThat(c.allocCount).isEqualTo(12);
  }

  @Test
  void restrictionsAreMaskedToFiveBits() {
    Process p = new Process(1);
    assertThat(Capability.object(CapType.PROCESS, 0xFF, 0, p).restr).isEqualTo(Restr.ALL);
    assertThat(Capability.of(CapType.GPT, 0x20 | Restr.OPAQUE, 0, 0, 0, null).restr)
        .isEqualTo(Restr.OPAQUE);
    Capability c = Capability.object(CapType.PAGE, 0, 12, new Page(0));
    assertThat(c.withRestr(0xE2).restr).isEqualTo(Restr.READ_ONLY);
  }

  @Test
  void withersChangeOneFieldKeepTheTargetAndReturnThisWhenUnchanged() {
    Page pg = new Page(3);
    Capability c = Capability.object(CapType.PAGE, Restr.WEAK, 12, pg);

    assertThat(c.withRestr(Restr.WEAK)).isSameAs(c);
    assertThat(c.withWord1(12)).isSameAs(c);
    assertThat(c.withType(CapType.PAGE)).isSameAs(c);

    Capability ro = c.withRestr(Restr.READ_ONLY | Restr.WEAK);
    assertThat(ro.restr).isEqualTo(Restr.READ_ONLY | Restr.WEAK);
    assertThat(ro.target).isSameAs(pg);
    assertThat(ro)
        .isEqualTo(Capability.of(CapType.PAGE, Restr.READ_ONLY | Restr.WEAK, 0, 12, 3, null));
    assertThat(c.restr).as("original unchanged").isEqualTo(Restr.WEAK);

    Capability g = c.withWord1((5 << 8) | 20);
    assertThat(g.word1()).isEqualTo((5 << 8) | 20);
    assertThat(g.target).isSameAs(pg);
    assertThat(g.restr).isEqualTo(Restr.WEAK);

    Capability t = c.withType(CapType.CAP_PAGE);
    assertThat(t.type).isEqualTo(CapType.CAP_PAGE);
    assertThat(t.target).isSameAs(pg);
    assertThat(t.oid).isEqualTo(3);
  }

  @Test
  void payloadIsWord1ReadUnsigned() {
    Capability c = Capability.of(CapType.ENTRY, 0, 0, 0xFFFF_FFFE, 1, null);
    assertThat(c.payload()).isEqualTo(0xFFFF_FFFEL);
  }

  @Test
  void nullIsASingletonForAllZeroFieldsAndMiscRefusesObjectTypes() {
    assertThat(Capability.of(CapType.NULL, 0, 0, 0, 0, null)).isSameAs(Capability.NULL);
    assertThat(Capability.misc(CapType.NULL)).isSameAs(Capability.NULL);
    assertThat(Capability.NULL.isNull()).isTrue();
    assertThat(Capability.NULL.isObjectCap()).isFalse();
    assertThat(Capability.NULL.target).isNull();
    assertThat(Capability.NULL).hasToString("Null");

    Capability discrim = Capability.misc(CapType.DISCRIM);
    assertThat(discrim.type).isEqualTo(CapType.DISCRIM);
    assertThat(discrim.isObjectCap()).isFalse();
    assertThat(discrim.isNull()).isFalse();
    assertThat(discrim.allocCount).isZero();
    assertThat(discrim.oid).isZero();
    assertThat(discrim).isEqualTo(Capability.misc(CapType.DISCRIM));

    for (int t : new int[] {CapType.ENDPOINT, CapType.PAGE, CapType.ENTRY, CapType.APP_NOTICE}) {
      assertThatThrownBy(() -> Capability.misc(t)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void objectCapsAreExactlyTheCodesFrom0x20() {
    for (int t = 0; t < 64; t++) {
      assertThat(Capability.of(t, 0, 1, 0, 0, null).isObjectCap())
          .as("0x%x", t)
          .isEqualTo(t >= 0x20);
      assertThat(CapType.isObject(t)).isEqualTo(t >= 0x20);
    }
  }

  @Test
  void definedTypesAreThoseOfTheReferenceTableAndJackalsConsole() {
    for (int t = 0; t < 64; t++) {
      boolean defined = t <= 0x11 || (t >= 0x20 && t <= 0x25) || t == 0x3F;
      assertThat(CapType.isDefined(t)).as("0x%x", t).isEqualTo(defined);
      assertThat(CapType.name(t).startsWith("Reserved")).as("name of 0x%x", t).isEqualTo(!defined);
    }
  }

  @Test
  void restrictionBitsHaveTheMemoryIdlValues() {
    assertThat(Restr.WEAK).isEqualTo(0x01);
    assertThat(Restr.READ_ONLY).isEqualTo(0x02);
    assertThat(Restr.NO_EXECUTE).isEqualTo(0x04);
    assertThat(Restr.OPAQUE).isEqualTo(0x08);
    assertThat(Restr.NO_CALL).isEqualTo(0x10);
    assertThat(Restr.RESTART).isEqualTo(0x10);
    assertThat(Restr.ALL).isEqualTo(0x1F);
  }

  @Test
  void layoutsSplitTheEightyFourNamingBits() {
    assertThat(OidLayout.COYOTOS_2007.oidBits).isEqualTo(64);
    assertThat(OidLayout.COYOTOS_2007.countBits).isEqualTo(20);
    assertThat(OidLayout.COYOTOS_2007.maxOid).isEqualTo(-1L);
    assertThat(OidLayout.COYOTOS_2007.maxCount).isEqualTo(0xFFFFFL);
    assertThat(OidLayout.WIDE.oidBits).isEqualTo(40);
    assertThat(OidLayout.WIDE.countBits).isEqualTo(44);
    assertThat(OidLayout.WIDE.maxOid).isEqualTo((1L << 40) - 1);
    assertThat(OidLayout.WIDE.maxCount).isEqualTo((1L << 44) - 1);
    for (OidLayout l : OidLayout.values()) {
      assertThat(l.oidBits + l.countBits).isEqualTo(84);
    }
  }

  @Test
  void fitsOidComparesUnsigned() {
    assertThat(OidLayout.COYOTOS_2007.fitsOid(-1L)).isTrue();
    assertThat(OidLayout.COYOTOS_2007.fitsOid(Long.MIN_VALUE)).isTrue();
    assertThat(OidLayout.WIDE.fitsOid(0)).isTrue();
    assertThat(OidLayout.WIDE.fitsOid((1L << 40) - 1)).isTrue();
    assertThat(OidLayout.WIDE.fitsOid(1L << 40)).isFalse();
    assertThat(OidLayout.WIDE.fitsOid(-1L)).isFalse();
  }

  @Test
  void layoutsAreNamedBySettingAndUnknownNamesAreRefused() {
    assertThat(OidLayout.fromSetting("coyotos-2007")).isSameAs(OidLayout.COYOTOS_2007);
    assertThat(OidLayout.fromSetting("wide")).isSameAs(OidLayout.WIDE);
    assertThatThrownBy(() -> OidLayout.fromSetting("WIDE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("coyotos-2007")
        .hasMessageContaining("wide");
  }

  @Test
  void aReplyCapabilityIsReissuedWithANewPayloadOnlyWhileItIsRecyclable() {
    Endpoint ep = new Endpoint(9);
    Capability r = Capability.reply(ep, 7);
    assertThat(r).isEqualTo(Capability.object(CapType.ENTRY, 0, 7, ep));
    assertThat(r.reissue(ep, 8)).isTrue();
    assertThat(r).isEqualTo(Capability.object(CapType.ENTRY, 0, 8, ep));
    assertThat(r.pin()).isSameAs(r);
    assertThat(r.reissue(ep, 9)).isFalse();
    assertThat(r.word1()).isEqualTo(8);
  }

  @Test
  void noOrdinaryCapabilityCanBeReissued() {
    Endpoint ep = new Endpoint(9);
    Capability entry = Capability.object(CapType.ENTRY, 0, 7, ep);
    assertThat(entry.reissue(ep, 8)).isFalse();
    assertThat(entry.word1()).isEqualTo(7);
    assertThat(entry.withRestr(Restr.WEAK).reissue(ep, 8)).isFalse();
    assertThat(Capability.NULL.reissue(ep, 8)).isFalse();
  }

  @Test
  void aReplyCapabilityIsNotReissuedForAnotherEndpointOrAfterItsEndpointWasRescinded() {
    Endpoint ep = new Endpoint(9);
    Endpoint other = new Endpoint(10);
    Capability r = Capability.reply(ep, 7);
    assertThat(r.reissue(other, 8)).isFalse();
    ep.allocCount++;
    assertThat(r.reissue(ep, 8)).isFalse();
    assertThat(r).isEqualTo(Capability.of(CapType.ENTRY, 0, 0, 7, 9, null));
  }
}
