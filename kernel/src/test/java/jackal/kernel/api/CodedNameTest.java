package jackal.kernel.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** CapIDL coded names: SHA-1 of the dotted name, first eight digest bytes big-endian. */
class CodedNameTest {

  /** The qualified name behind every OC_, RC_ and IKT_ constant of {@link Codes}. */
  static final Map<String, String> QUALIFIED =
      Map.ofEntries(
          Map.entry("OC_CAP_DESTROY", "coyotos.Cap.destroy"),
          Map.entry("OC_CAP_GET_TYPE", "coyotos.Cap.getType"),
          Map.entry("RC_OK", "coyotos.Cap.OK"),
          Map.entry("RC_INVALID_CAP", "coyotos.Cap.InvalidCap"),
          Map.entry("RC_UNKNOWN_REQUEST", "coyotos.Cap.UnknownRequest"),
          Map.entry("RC_REQUEST_ERROR", "coyotos.Cap.RequestError"),
          Map.entry("RC_NO_ACCESS", "coyotos.Cap.NoAccess"),
          Map.entry("IKT_NULL", "coyotos.Null"),
          Map.entry("IKT_ENDPOINT", "coyotos.Endpoint"),
          Map.entry("IKT_PROCESS", "coyotos.Process"),
          Map.entry("IKT_DISCRIM", "coyotos.Discrim"),
          Map.entry("IKT_CAP_BITS", "coyotos.CapBits"),
          Map.entry("IKT_KERN_LOG", "coyotos.KernLog"),
          Map.entry("IKT_RANGE", "coyotos.Range"),
          Map.entry("IKT_PAGE", "coyotos.Page"),
          Map.entry("IKT_CAP_PAGE", "coyotos.CapPage"),
          Map.entry("IKT_GPT", "coyotos.GPT"),
          Map.entry("IKT_APP_NOTICE", "coyotos.AppNotice"),
          Map.entry("IKT_SLEEP", "coyotos.Sleep"),
          Map.entry("IKT_SYS_CTL", "coyotos.SysCtl"),
          Map.entry("OC_ENDPOINT_SET_RECIPIENT", "coyotos.Endpoint.setRecipient"),
          Map.entry("OC_ENDPOINT_SET_PAYLOAD_MATCH", "coyotos.Endpoint.setPayloadMatch"),
          Map.entry("OC_ENDPOINT_SET_ENDPOINT_ID", "coyotos.Endpoint.setEndpointID"),
          Map.entry("OC_ENDPOINT_GET_ENDPOINT_ID", "coyotos.Endpoint.getEndpointID"),
          Map.entry("OC_ENDPOINT_MAKE_ENTRY_CAP", "coyotos.Endpoint.makeEntryCap"),
          Map.entry("OC_ENDPOINT_MAKE_APP_NOTIFIER", "coyotos.Endpoint.makeAppNotifier"),
          Map.entry("OC_PROCESS_RESUME", "coyotos.Process.resume"),
          Map.entry("OC_PROCESS_SET_SPACE_AND_PC", "coyotos.Process.setSpaceAndPC"),
          Map.entry("OC_PROCESS_GET_STATE", "coyotos.Process.getState"),
          Map.entry("OC_PROCESS_SET_STATE", "coyotos.Process.setState"),
          Map.entry("OC_PROCESS_GET_SLOT", "coyotos.Process.getSlot"),
          Map.entry("OC_PROCESS_SET_SLOT", "coyotos.Process.setSlot"),
          Map.entry("OC_PROCESS_GET_CAP_REG", "coyotos.Process.getCapReg"),
          Map.entry("OC_PROCESS_SET_CAP_REG", "coyotos.Process.setCapReg"),
          Map.entry(
              "OC_PROCESS_IDENTIFY_ENTRY_WITH_BRAND", "coyotos.Process.identifyEntryWithBrand"),
          Map.entry("OC_PROCESS_IDENTIFY_ENTRY", "coyotos.Process.identifyEntry"),
          Map.entry("OC_PROCESS_AMPLIFY_COHORT_ENTRY", "coyotos.Process.amplifyCohortEntry"),
          Map.entry("OC_DISCRIM_CLASSIFY", "coyotos.Discrim.classify"),
          Map.entry("OC_DISCRIM_IS_DISCREET", "coyotos.Discrim.isDiscreet"),
          Map.entry("OC_DISCRIM_COMPARE", "coyotos.Discrim.compare"),
          Map.entry("OC_CAP_BITS_GET", "coyotos.CapBits.get"),
          Map.entry("OC_KERN_LOG_LOG", "coyotos.KernLog.log"),
          Map.entry("OC_RANGE_IDENTIFY", "coyotos.Range.identify"),
          Map.entry("OC_RANGE_RESCIND", "coyotos.Range.rescind"),
          Map.entry("OC_RANGE_NEXT_BACKED_SUBRANGE", "coyotos.Range.nextBackedSubrange"),
          Map.entry("OC_RANGE_GET_CAP", "coyotos.Range.getCap"),
          Map.entry("OC_RANGE_WAIT_CAP", "coyotos.Range.waitCap"),
          Map.entry("OC_RANGE_GET_PROCESS", "coyotos.Range.getProcess"),
          Map.entry("OC_RANGE_WAIT_PROCESS", "coyotos.Range.waitProcess"),
          Map.entry("RC_RANGE_RANGE_ERR", "coyotos.Range.RangeErr"),
          Map.entry("RC_RANGE_NOT_MOUNTED", "coyotos.Range.NotMounted"),
          Map.entry("RC_RANGE_IO_ERR", "coyotos.Range.IoErr"),
          Map.entry("RC_RANGE_ALLOC_COUNT_ROLLOVER", "coyotos.Range.AllocCountRollover"),
          Map.entry("OC_APP_NOTICE_POST_NOTICE", "coyotos.AppNotice.postNotice"),
          Map.entry("OC_APP_NOTICE_GET_NOTICES", "coyotos.AppNotice.getNotices"),
          Map.entry("OC_PROCESS_HANDLER_HANDLE", "coyotos.ProcessHandler.handle"));

  /** SHA-1 by hand: the first eight digest bytes, big-endian. */
  static long sha1Prefix(String name) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.US_ASCII));
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (d[i] & 0xFFL);
    }
    return v;
  }

  @Test
  void referenceWorkedValuesMatch() {
    assertThat(CodedName.methodCode("coyotos.Cap.getType")).isEqualTo(0x4701051a);
    assertThat(CodedName.of("coyotos.Cap.UnknownRequest")).isEqualTo(0x2a18f47854951e19L);
    assertThat(CodedName.of("coyotos.Cap.RequestError")).isEqualTo(0xd9d6826c99947446L);
    assertThat(CodedName.of("coyotos.Cap.NoAccess")).isEqualTo(0xcbb2820558878deaL);
    assertThat(CodedName.of("coyotos.Cap.OK")).isEqualTo(0x6e087472cd1b4aaaL);
    assertThat(CodedName.of("coyotos.Endpoint")).isEqualTo(0x46c3958a20f257e9L);
  }

  @Test
  void referenceWorkedValuesAreTheCodesConstants() {
    assertThat(Codes.OC_CAP_GET_TYPE).isEqualTo(0x4701051a);
    assertThat(Codes.RC_UNKNOWN_REQUEST).isEqualTo(0x2a18f47854951e19L);
    assertThat(Codes.RC_REQUEST_ERROR).isEqualTo(0xd9d6826c99947446L);
    assertThat(Codes.RC_NO_ACCESS).isEqualTo(0xcbb2820558878deaL);
    assertThat(Codes.RC_OK).isEqualTo(0x6e087472cd1b4aaaL);
    assertThat(Codes.IKT_ENDPOINT).isEqualTo(0x46c3958a20f257e9L);
  }

  @Test
  void methodCodeIsTheLow32BitsOfTheCodedName() throws Exception {
    // the full getType digest prefix is 0x818e2c564701051a
    assertThat(CodedName.of("coyotos.Cap.getType")).isEqualTo(0x818e2c564701051aL);
    for (String n : List.of("coyotos.Cap.getType", "coyotos.Endpoint.makeEntryCap", "x", "")) {
      assertThat(CodedName.methodCode(n)).isEqualTo((int) sha1Prefix(n));
    }
  }

  @Test
  void everyCodesConstantIsTheCodedNameOfItsQualifiedName() throws Exception {
    List<String> unmapped = new ArrayList<>();
    Map<String, String> wrong = new TreeMap<>();
    int checked = 0;
    for (Field f : Codes.class.getDeclaredFields()) {
      int m = f.getModifiers();
      String n = f.getName();
      if (!Modifier.isStatic(m) || !(n.startsWith("OC_") || n.startsWith("RC_") || n.startsWith("IKT_"))) {
        continue;
      }
      String q = QUALIFIED.get(n);
      if (q == null) {
        unmapped.add(n);
        continue;
      }
      long want = sha1Prefix(q);
      if (n.startsWith("OC_")) {
        assertThat(f.getType()).as(n + " is a 32-bit method code").isEqualTo(int.class);
        int got = f.getInt(null);
        if (got != (int) want) {
          wrong.put(n, String.format("%s: got 0x%08x, want 0x%08x", q, got, (int) want));
        }
      } else {
        assertThat(f.getType()).as(n + " is a 64-bit code").isEqualTo(long.class);
        long got = f.getLong(null);
        if (got != want) {
          wrong.put(n, String.format("%s: got 0x%016x, want 0x%016x", q, got, want));
        }
      }
      checked++;
    }
    assertThat(unmapped)
        .as("Codes constants without a qualified name in CodedNameTest.QUALIFIED (add them)")
        .isEmpty();
    assertThat(wrong).as("constants that are not the coded name of their qualified name").isEmpty();
    assertThat(checked).isEqualTo(QUALIFIED.size());
  }

  @Test
  void distinctCodesConstantsHaveDistinctValues() throws Exception {
    Map<Long, String> codes = new TreeMap<>();
    Map<Integer, String> methods = new TreeMap<>();
    for (Field f : Codes.class.getDeclaredFields()) {
      String n = f.getName();
      if (!Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      if (n.startsWith("RC_") || n.startsWith("IKT_")) {
        String prev = codes.put(f.getLong(null), n);
        assertThat(prev).as("%s collides with %s", n, prev).isNull();
      } else if (n.startsWith("OC_")) {
        String prev = methods.put(f.getInt(null), n);
        assertThat(prev).as("%s collides with %s", n, prev).isNull();
      }
    }
    assertThat(codes.size() + methods.size()).isEqualTo(QUALIFIED.size());
  }
}
