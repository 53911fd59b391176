package jackal.kernel.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
          Map.entry("OC_SLEEP_SLEEP_TILL", "coyotos.Sleep.sleepTill"),
          Map.entry("OC_SLEEP_SLEEP_FOR", "coyotos.Sleep.sleepFor"),
          Map.entry("IKT_SYS_CTL", "coyotos.SysCtl"),
          Map.entry("IKT_CHECKPOINT", "coyotos.Checkpoint"),
          Map.entry("IKT_IRQ_CTL", "coyotos.IrqCtl"),
          Map.entry("IKT_IRQ_WAIT", "coyotos.IrqWait"),
          Map.entry("IKT_SCHEDULE", "coyotos.Schedule"),
          Map.entry("IKT_SCHED_CTL", "coyotos.SchedCtl"),
          Map.entry("IKT_OB_STORE", "coyotos.ObStore"),
          Map.entry("IKT_PIN_CTL", "coyotos.PinCtl"),
          Map.entry("IKT_IO_PRIV", "coyotos.IOPriv"),
          Map.entry("OC_SYS_CTL_HALT", "coyotos.SysCtl.halt"),
          Map.entry("OC_SYS_CTL_POWERDOWN", "coyotos.SysCtl.powerdown"),
          Map.entry("OC_SYS_CTL_REBOOT", "coyotos.SysCtl.reboot"),
          Map.entry("OC_CHECKPOINT_SNAPSHOT", "coyotos.Checkpoint.snapshot"),
          Map.entry("OC_CHECKPOINT_PROCESS_CHECKPOINT", "coyotos.Checkpoint.processCheckpoint"),
          Map.entry("RC_CHECKPOINT_CKPT_INCOMPLETE", "coyotos.Checkpoint.CkptIncomplete"),
          Map.entry("OC_IRQ_CTL_GET_IRQ_WAIT", "coyotos.IrqCtl.getIrqWait"),
          Map.entry("OC_IRQ_CTL_BIND_IRQ", "coyotos.IrqCtl.bindIrq"),
          Map.entry("OC_IRQ_CTL_DISABLE", "coyotos.IrqCtl.disable"),
          Map.entry("OC_IRQ_CTL_ENABLE", "coyotos.IrqCtl.enable"),
          Map.entry("OC_IRQ_CTL_WAIT", "coyotos.IrqCtl.wait"),
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
          Map.entry("OC_PROCESS_HANDLER_HANDLE", "coyotos.ProcessHandler.handle"),
          // reference section 7: Memory, AddressSpace, GPT, Window, LocalWindow, MemoryHandler
          Map.entry("OC_MEMORY_HANDLER_HANDLE", "coyotos.MemoryHandler.handle"),
          Map.entry("OC_MEMORY_REDUCE", "coyotos.Memory.reduce"),
          Map.entry("OC_MEMORY_SET_GUARD", "coyotos.Memory.setGuard"),
          Map.entry("OC_MEMORY_GET_GUARD", "coyotos.Memory.getGuard"),
          Map.entry("OC_MEMORY_GET_RESTRICTIONS", "coyotos.Memory.getRestrictions"),
          Map.entry("OC_AS_GET_SLOT", "coyotos.AddressSpace.getSlot"),
          Map.entry("OC_AS_SET_SLOT", "coyotos.AddressSpace.setSlot"),
          Map.entry("OC_AS_GUARDED_SET_SLOT", "coyotos.AddressSpace.guardedSetSlot"),
          Map.entry("OC_AS_FETCH", "coyotos.AddressSpace.fetch"),
          Map.entry("OC_AS_STORE", "coyotos.AddressSpace.store"),
          Map.entry("OC_AS_EXTENDED_FETCH", "coyotos.AddressSpace.extendedFetch"),
          Map.entry("OC_AS_EXTENDED_STORE", "coyotos.AddressSpace.extendedStore"),
          Map.entry("OC_AS_ERASE", "coyotos.AddressSpace.erase"),
          Map.entry("OC_AS_COPY_FROM", "coyotos.AddressSpace.copyFrom"),
          Map.entry("RC_AS_OPAQUE_SPACE", "coyotos.AddressSpace.OpaqueSpace"),
          Map.entry("RC_AS_NO_SUCH_SLOT", "coyotos.AddressSpace.NoSuchSlot"),
          Map.entry("RC_AS_CAP_ACCESS_TYPE_ERROR", "coyotos.AddressSpace.CapAccessTypeError"),
          Map.entry("OC_GPT_SET_L2V", "coyotos.GPT.setl2v"),
          Map.entry("OC_GPT_GET_L2V", "coyotos.GPT.getl2v"),
          Map.entry("OC_GPT_SET_HANDLER", "coyotos.GPT.setHandler"),
          Map.entry("OC_GPT_GET_HANDLER", "coyotos.GPT.getHandler"),
          Map.entry("OC_GPT_MAKE_LOCAL_WINDOW", "coyotos.GPT.makeLocalWindow"),
          Map.entry("OC_GPT_MAKE_BACKGROUND_WINDOW", "coyotos.GPT.makeBackgroundWindow"),
          Map.entry("OC_WINDOW_GET_OFFSET", "coyotos.Window.getOffset"),
          Map.entry("OC_LOCAL_WINDOW_GET_ROOT_SLOT", "coyotos.LocalWindow.getRootSlot"),
          Map.entry("IKT_WINDOW", "coyotos.Window"),
          Map.entry("IKT_LOCAL_WINDOW", "coyotos.LocalWindow"));

  /**
   * The string each constant is computed from in Codes.java ({@code NAME = oc("...")} or {@code
   * rc("...")}), read from the source when the test runs in the module directory; empty otherwise.
   * A constant this test does not name yet is checked against its source literal instead, so a new
   * constant needs no edit here to be covered.
   */
  static Map<String, String> sourceLiterals() throws IOException {
    java.nio.file.Path src = Path.of("src/main/java/jackal/kernel/api/Codes.java");
    if (!Files.isRegularFile(src)) {
      return Map.of();
    }
    String text = Files.readString(src);
    Map<String, String> out = new TreeMap<>();
    Matcher m = Pattern.compile("(\\w+)\\s*=\\s*(?:oc|rc)\\(\\s*\"([^\"]+)\"\\s*\\)").matcher(text);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

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
    Map<String, String> literals = sourceLiterals();
    List<String> unverifiable = new ArrayList<>();
    Map<String, String> wrong = new TreeMap<>();
    int named = 0;
    for (Field f : Codes.class.getDeclaredFields()) {
      int m = f.getModifiers();
      String n = f.getName();
      if (!Modifier.isStatic(m)
          || !(n.startsWith("OC_") || n.startsWith("RC_") || n.startsWith("IKT_"))) {
        continue;
      }
      String q = QUALIFIED.get(n);
      String lit = literals.get(n);
      if (q != null) {
        named++;
        if (lit != null && !lit.equals(q)) {
          wrong.put(
              n + " (name)",
              "source computes it from \"" + lit + "\", the interface name is \"" + q + "\"");
        }
      } else if (lit != null) {
        q = lit;
        System.err.println("CodedNameTest: " + n + " checked against its source literal " + lit);
      } else {
        unverifiable.add(n);
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
    }
    assertThat(unverifiable)
        .as(
            "Codes constants with no qualified name here and no oc(\"...\")/rc(\"...\") literal in the source")
        .isEmpty();
    assertThat(wrong).as("constants that are not the coded name of their qualified name").isEmpty();
    assertThat(named).as("the reference's codes are all present").isGreaterThanOrEqualTo(56);
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
  }
}
