package jackal.idl;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.idl.model.Model;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodesTest {
  /** SHA-1 computed here, independently of {@link CodedName}: first 8 digest bytes, big-endian. */
  static long sha1Prefix(String name) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.US_ASCII));
    return ByteBuffer.wrap(d, 0, 8).getLong();
  }

  @Test
  void codedNameIsTheSha1Prefix() throws Exception {
    // FIPS 180 test vector: SHA-1("abc") = a9993e36 4706816a ba3e2571 ...
    assertThat(CodedName.of("abc")).isEqualTo(0xa9993e364706816aL);
    for (String n : List.of("coyotos.Cap", "coyotos.Cap.getType", "x", "a.b.c.d", "")) {
      assertThat(CodedName.of(n)).isEqualTo(sha1Prefix(n));
      assertThat(CodedName.methodCode(n)).isEqualTo((int) sha1Prefix(n));
    }
  }

  @Test
  void workedValuesOfTheReference() throws Exception {
    Model m = KernelIdl.model();
    assertThat(m.method("coyotos.Cap.getType").code()).isEqualTo(0x4701051a);
    assertThat(m.exception("coyotos.Cap.UnknownRequest").code()).isEqualTo(0x2a18f47854951e19L);
    assertThat(m.exception("coyotos.Cap.RequestError").code()).isEqualTo(0xd9d6826c99947446L);
    assertThat(m.exception("coyotos.Cap.NoAccess").code()).isEqualTo(0xcbb2820558878deaL);
    assertThat(m.exception("coyotos.Cap.OK").code()).isEqualTo(0x6e087472cd1b4aaaL);
    assertThat(m.iface("coyotos.Endpoint").typeCode()).isEqualTo(0x46c3958a20f257e9L);
    // and the same from the independent digest
    assertThat(m.method("coyotos.Cap.getType").code())
        .isEqualTo((int) sha1Prefix("coyotos.Cap.getType"));
    assertThat(m.iface("coyotos.Endpoint").typeCode()).isEqualTo(sha1Prefix("coyotos.Endpoint"));
  }

  @Test
  void anInheritedMethodKeepsItsDeclarersCode() throws Exception {
    Model m = KernelIdl.model();
    var getType =
        m.iface("coyotos.GPT").allMethods().stream()
            .filter(x -> x.name().equals("getType"))
            .findFirst()
            .orElseThrow();
    assertThat(getType.declarer().qualifiedName()).isEqualTo("coyotos.Cap");
    assertThat(getType.code()).isEqualTo(0x4701051a);
    var getSlot = m.iface("coyotos.CapPage").method("getSlot").orElseThrow();
    assertThat(getSlot.qualifiedName()).isEqualTo("coyotos.AddressSpace.getSlot");
    assertThat(getSlot.code()).isEqualTo((int) sha1Prefix("coyotos.AddressSpace.getSlot"));
    assertThat(getSlot.code()).isNotEqualTo((int) sha1Prefix("coyotos.CapPage.getSlot"));
  }

  @Test
  void everyCodeOfTheFixturesIsItsQualifiedNamesDigest() throws Exception {
    Model m = TestSupport.compileFixtures("constructs.idl", "other.idl");
    for (var i : m.interfaces()) {
      assertThat(i.typeCode()).isEqualTo(sha1Prefix(i.qualifiedName()));
      for (var md : i.methods()) {
        if (!md.isClient()) {
          assertThat(md.code()).isEqualTo((int) sha1Prefix(md.qualifiedName()));
        }
      }
      for (var e : i.exceptions()) {
        assertThat(e.code()).isEqualTo(sha1Prefix(e.qualifiedName()));
      }
    }
    // a package-level exception is named package.Exception
    assertThat(m.exception("test.constructs.Failure").code())
        .isEqualTo(sha1Prefix("test.constructs.Failure"));
    assertThat(m.exception("test.constructs.Everything.Busy").code())
        .isEqualTo(sha1Prefix("test.constructs.Everything.Busy"));
  }
}
