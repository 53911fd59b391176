package jackal.image.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import jackal.image.CapIdlName;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectState;
import jackal.kernel.boot.ObjectState.EndpointState;
import jackal.kernel.boot.ObjectState.GptState;
import jackal.kernel.boot.ObjectState.PageState;
import jackal.kernel.boot.ObjectState.ProcessState;
import jackal.kernel.boot.ProcessInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Files an attacker or a broken disk could hand to {@code jackal run}: each is refused with the
 * file, the section and the byte offset, and loads nothing.
 */
class BadImageFileTest {
  private static final String FILE = "bad.jkimg";
  private static byte[] good;
  private static KernelImage image;

  @BeforeAll
  static void build() throws Exception {
    good = Images.incrementPairFile();
    image = ImageFile.decode(good, FILE).image();
  }

  /** Loads {@code bytes} into a fresh kernel; returns the refusal after checking nothing loaded. */
  private static ImageFileException refusal(byte[] bytes) {
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      ImageFileException e =
          assertThatExceptionOfType(ImageFileException.class)
              .isThrownBy(() -> ImageFile.decode(bytes, FILE).loadInto(k))
              .actual();
      assertThat(e.getMessage()).startsWith(FILE + ": ");
      assertThat(KernelImage.exportFrom(k).objects()).isEmpty();
      return e;
    }
  }

  private static byte[] copy() {
    return good.clone();
  }

  /** The image with object {@code i} (in file order) replaced, as a file. */
  private static byte[] withObject(int i, UnaryOperator<ObjectState> change) {
    List<ObjectState> objects = new ArrayList<>(image.objects());
    objects.set(i, change.apply(objects.get(i)));
    return ImageFile.encode(
        new KernelImage(image.oidLayout(), image.nextFresh(), objects, image.runList()));
  }

  private static int indexOf(int obType, long oid) {
    for (int i = 0; i < image.objects().size(); i++) {
      ObjectState s = image.objects().get(i);
      if (s.obType() == obType && s.oid() == oid) {
        return i;
      }
    }
    throw new AssertionError("no object " + obType + "#" + oid);
  }

  private static ProcessState client() {
    return (ProcessState) image.objects().get(indexOf(3, 1));
  }

  private static ProcessState withCaps(ProcessState p, byte[][] caps) {
    return new ProcessState(
        p.oid(),
        p.allocCount(),
        p.name(),
        p.runState(),
        p.flags(),
        p.notices(),
        p.faultCode(),
        p.faultInfo(),
        p.pc(),
        p.cpuMask(),
        caps);
  }

  // ---------------------------------------------------------------- the header

  @Test
  void aFileShorterThanTheHeaderIsTruncated() {
    assertThat(refusal(Arrays.copyOf(good, 20)))
        .hasMessage(
            FILE
                + ": header at byte 20: truncated: 20 bytes, not even the 32-byte header of an"
                + " image file");
  }

  @Test
  void aFileCutShortSaysHowLongItShouldBe() {
    assertThat(refusal(Arrays.copyOf(good, good.length / 2)))
        .hasMessage(
            FILE
                + ": header at byte 16: truncated: the header says "
                + good.length
                + " bytes, the file has "
                + good.length / 2);
  }

  @Test
  void aFileWithAnotherMagicIsNotAnImage() {
    byte[] b = copy();
    b[0] = 'm';
    assertThat(refusal(b))
        .hasMessage(FILE + ": header at byte 0: not a Jackal image file (wrong magic)");
  }

  @Test
  void aLaterFormatVersionIsRefusedByName() {
    byte[] b = copy();
    ByteBuffer.wrap(b).putShort(8, (short) (ImageFile.VERSION + 1));
    assertThat(refusal(b))
        .hasMessage(
            FILE
                + ": header at byte 8: format version "
                + (ImageFile.VERSION + 1)
                + "; this Jackal reads versions 1 to "
                + ImageFile.VERSION);
  }

  @Test
  void aChangedByteFailsTheChecksum() {
    byte[] b = copy();
    b[b.length - 100] ^= 0x40;
    ImageFileException e = refusal(b);
    assertThat(e.section()).isEqualTo("header");
    assertThat(e.offset()).isEqualTo(24);
    assertThat(e.detail()).startsWith("checksum mismatch: the file says ");
  }

  // ---------------------------------------------------------------- sections

  @Test
  void aRecordCountLargerThanItsSectionIsOutOfRange() {
    byte[] b = copy();
    int page = Images.sectionAt(b, "PAGE");
    ByteBuffer.wrap(b).putInt(page + 4, 0x0FFF_FFFF);
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.section()).isEqualTo("section PAGE");
    assertThat(e.offset()).isEqualTo(page + 4);
    assertThat(e.detail()).startsWith("record count 268435455 is out of range");
  }

  @Test
  void aSectionLengthPastTheEndIsRefused() {
    byte[] b = copy();
    int gpt = Images.sectionAt(b, "GPT ");
    ByteBuffer.wrap(b).putLong(gpt + 8, 1L << 40);
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.section()).isEqualTo("section GPT header");
    assertThat(e.detail()).contains("runs past the end of the file");
  }

  @Test
  void sectionsOutOfOrderAreRefused() {
    byte[] b = copy();
    int proc = Images.sectionAt(b, "PROC");
    System.arraycopy("ENDP".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, proc, 4);
    assertThat(refusal(Images.withChecksum(b)))
        .hasMessage(
            FILE
                + ": section PROC header at byte "
                + proc
                + ": expected section 'PROC', found 'ENDP'");
  }

  @Test
  void aShorterSectionLengthThanItsRecordsIsRefused() {
    byte[] b = copy();
    // Process records vary in length (their names), so the count still fits: the last record
    // is what runs out.
    int proc = Images.sectionAt(b, "PROC");
    ByteBuffer.wrap(b).putLong(proc + 8, ByteBuffer.wrap(b).getLong(proc + 8) - 1);
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.section()).isEqualTo("section PROC");
    assertThat(e.detail()).isEqualTo("record runs past the end of its section");
  }

  @Test
  void bytesAfterTheLastSectionAreRefused() {
    byte[] b = Arrays.copyOf(good, good.length + 3);
    ByteBuffer.wrap(b).putLong(16, b.length);
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.section()).isEqualTo("end");
    assertThat(e.offset()).isEqualTo(good.length);
  }

  // ---------------------------------------------------------------- objects

  @Test
  void aCapabilityNamingAnObjectNotInTheFileIsRefusedAtItsBytes() {
    // The client's APP0 (register 8) holds the Entry capability to the service, Endpoint#0.
    List<ObjectState> objects = new ArrayList<>(image.objects());
    objects.remove(indexOf(4, 0));
    byte[] b =
        ImageFile.encode(
            new KernelImage(image.oidLayout(), image.nextFresh(), objects, image.runList()));
    ImageFileException e = refusal(b);
    assertThat(e.section()).isEqualTo("section PROC");
    assertThat(e.detail())
        .isEqualTo(
            "Process#1 capReg[8]: Entry capability names Endpoint#0, which is not in the image");
    byte[] at = Arrays.copyOfRange(b, (int) e.offset(), (int) e.offset() + 16);
    assertThat(at).isEqualTo(client().caps()[ProcessState.FIRST_CAP_REG + 8]);
  }

  @Test
  void anEndpointWhoseRecipientIsNotAProcessIsRefused() {
    byte[] endpointCap = client().caps()[ProcessState.FIRST_CAP_REG + 1]; // its reply endpoint
    byte[] b =
        withObject(
            indexOf(4, 0),
            s -> {
              EndpointState e = (EndpointState) s;
              return new EndpointState(
                  e.oid(),
                  e.allocCount(),
                  e.pm(),
                  e.protPayload(),
                  e.endpointID(),
                  new byte[][] {endpointCap});
            });
    ImageFileException e = refusal(b);
    assertThat(e.section()).isEqualTo("section ENDP");
    assertThat(e.detail())
        .isEqualTo(
            "Endpoint#0 recipient: a recipient is a Process capability or Null, not Endpoint");
  }

  @Test
  void anAllocationCountOutsideTheLayoutIsRefused() {
    byte[] b = withObject(0, s -> new PageState(s.oid(), 1L << 44, ((PageState) s).bytes()));
    ImageFileException e = refusal(b);
    assertThat(e.section()).isEqualTo("section PAGE");
    assertThat(e.offset()).isEqualTo(Images.sectionAt(b, "PAGE") + 16);
    assertThat(e.detail()).startsWith("Page#0: allocation count 17592186044416 is outside 0..");
  }

  @Test
  void aCapabilityNewerThanItsObjectIsRefused() {
    // Page#0 is mapped by a GPT; its count going back to... the capability's count 0 is fine, so
    // instead forge the client's reply-endpoint capability with count 5.
    byte[][] caps = client().caps().clone();
    byte[] forged = caps[ProcessState.FIRST_CAP_REG + 1].clone();
    forged[1] |= (byte) 0x50; // count bits 12..19 of word 0
    caps[ProcessState.FIRST_CAP_REG + 1] = forged;
    byte[] b = withObject(indexOf(3, 1), s -> withCaps((ProcessState) s, caps));
    assertThat(refusal(b).detail())
        .isEqualTo("Process#1 capReg[1]: capability count 5 is newer than its object's 0");
  }

  @Test
  void aReservedCapabilityTypeIsRefused() {
    byte[][] caps = client().caps().clone();
    byte[] reserved = new byte[16];
    reserved[0] = 0x1F;
    caps[ProcessState.FIRST_CAP_REG + 20] = reserved;
    byte[] b = withObject(indexOf(3, 1), s -> withCaps((ProcessState) s, caps));
    assertThat(refusal(b).detail())
        .isEqualTo("Process#1 capReg[20]: reserved capability type 0x1f");
  }

  @Test
  void capabilityRegisterZeroMustBeNull() {
    byte[][] caps = client().caps().clone();
    caps[ProcessState.FIRST_CAP_REG] = caps[ProcessState.FIRST_CAP_REG + 1];
    byte[] b = withObject(indexOf(3, 1), s -> withCaps((ProcessState) s, caps));
    assertThat(refusal(b).detail())
        .isEqualTo("Process#1 capReg[0]: capability register 0 is always Null");
  }

  @Test
  void anObjectListedTwiceIsRefused() {
    List<ObjectState> objects = new ArrayList<>(image.objects());
    objects.add(1, objects.get(0));
    byte[] b =
        ImageFile.encode(
            new KernelImage(image.oidLayout(), image.nextFresh(), objects, image.runList()));
    ImageFileException e = refusal(b);
    assertThat(e.detail()).isEqualTo("Page#0 appears twice");
    assertThat(e.offset()).isEqualTo(Images.sectionAt(b, "PAGE") + 16 + ImageFile.PAGE_RECORD);
  }

  @Test
  void anOidOutsideTheKernelsRangeIsRefused() {
    byte[] b = withObject(0, s -> new PageState(1L << 41, 0, ((PageState) s).bytes()));
    assertThat(refusal(b).detail()).startsWith("Page#2199023255552: OID outside this kernel's 0..");
  }

  @Test
  void aGptWithAnImpossibleL2vIsRefused() {
    int first = indexOf(2, 0);
    byte[] b =
        withObject(
            first,
            s -> {
              GptState g = (GptState) s;
              return new GptState(g.oid(), g.allocCount(), 65, g.ha(), g.bg(), g.caps());
            });
    assertThat(refusal(b).detail()).isEqualTo("GPT#0: l2v must be 12..64, not 65");
  }

  @Test
  void aReceivingProcessCannotBeLoadedUnbooted() {
    ProcessState c = client();
    byte[] b = withObject(indexOf(3, 1), s -> withRunState(c, 1));
    assertThat(refusal(b).detail()).startsWith("Process#1: run state 1");
  }

  @Test
  void aRunStateOutsideRunningReceivingAndFaultedIsRefused() {
    ProcessState c = client();
    byte[] b = withObject(indexOf(3, 1), s -> withRunState(c, 7));
    assertThat(refusal(b).detail()).startsWith("Process#1: run state 7 is not 0..2");
  }

  /**
   * Faulted needs nothing of a program (a destroyed process, or one a bank handed out and nobody
   * started): it loads, and stays faulted.
   */
  @Test
  void aFaultedProcessWithNoProgramLoadsAndStaysFaulted() throws Exception {
    ProcessState c = client();
    List<ObjectState> objects = new ArrayList<>(image.objects());
    objects.set(indexOf(3, 1), withRunState(c, 2));
    List<Long> runList = new ArrayList<>(image.runList());
    runList.remove(c.oid());
    byte[] b =
        ImageFile.encode(new KernelImage(image.oidLayout(), image.nextFresh(), objects, runList));
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      ImageFile.decode(b, FILE).loadInto(k);
      assertThat(k.inspect(k.object(3, c.oid()).orElseThrow()).runState())
          .isEqualTo(ProcessInfo.FAULTED);
    }
  }

  @Test
  void aRunListStartingAFaultedProcessIsRefused() {
    ProcessState c = client();
    assertThat(image.runList()).contains(c.oid());
    byte[] b = withObject(indexOf(3, 1), s -> withRunState(c, 2));
    assertThat(refusal(b).detail())
        .startsWith("the run list starts Process#1, which is not running");
  }

  private static ProcessState withRunState(ProcessState c, int runState) {
    return new ProcessState(
        c.oid(),
        c.allocCount(),
        c.name(),
        runState,
        c.flags(),
        c.notices(),
        c.faultCode(),
        c.faultInfo(),
        c.pc(),
        c.cpuMask(),
        c.caps());
  }

  @Test
  void aRunListNamingAMissingProcessIsRefused() {
    byte[] b =
        ImageFile.encode(
            new KernelImage(
                image.oidLayout(), image.nextFresh(), image.objects(), List.of(0L, 7L)));
    ImageFileException e = refusal(b);
    assertThat(e.section()).isEqualTo("section RUN");
    assertThat(e.offset()).isEqualTo(Images.sectionAt(b, "RUN ") + 16 + 8);
    assertThat(e.detail()).isEqualTo("the run list names Process#7, which is not in the image");
  }

  @Test
  void aNextFreshOidPastTheKernelsBoundIsRefused() {
    List<Long> next = new ArrayList<>(image.nextFresh());
    next.set(2, -5L);
    byte[] b =
        ImageFile.encode(
            new KernelImage(image.oidLayout(), next, image.objects(), image.runList()));
    ImageFileException e = refusal(b);
    assertThat(e.section()).isEqualTo("section KERN");
    assertThat(e.detail()).startsWith("the next fresh GPT OID, -5, is outside");
  }

  @Test
  void aLocalWindowWhoseRootSlotIsOutsideAGptIsRefused() {
    byte[][] caps = client().caps().clone();
    byte[] window = new byte[16];
    ByteBuffer.wrap(window).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 0x02 | (16 << 12));
    caps[ProcessState.FIRST_CAP_REG + 20] = window;
    byte[] b = withObject(indexOf(3, 1), s -> withCaps((ProcessState) s, caps));
    assertThat(refusal(b).detail())
        .isEqualTo("Process#1 capReg[20]: LocalWindow root slot 16 is not 0..15");
  }

  @Test
  void aCpuMaskNamingNoCpuOfTheKernelIsRefused() {
    ProcessState c = client();
    byte[] b =
        withObject(
            indexOf(3, 1),
            s ->
                new ProcessState(
                    c.oid(),
                    c.allocCount(),
                    c.name(),
                    c.runState(),
                    c.flags(),
                    c.notices(),
                    c.faultCode(),
                    c.faultInfo(),
                    c.pc(),
                    1L << 10,
                    c.caps()));
    assertThat(refusal(b).detail())
        .isEqualTo("Process#1: CPU mask 0x400 names no CPU of this kernel's 2");
  }

  @Test
  void aProcessNameThatIsNotUtf8IsRefusedAtItsBytes() {
    byte[] b = copy();
    int name = Images.sectionAt(b, "PROC") + 16 + 16 + 2; // the first process's name
    b[name] = (byte) 0xFF;
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.section()).isEqualTo("section PROC");
    assertThat(e.offset()).isEqualTo(name);
    assertThat(e.detail()).isEqualTo("the process name is not UTF-8");
  }

  @Test
  void unknownGptFlagsAreRefused() {
    byte[] b = copy();
    int flags = Images.sectionAt(b, "GPT ") + 16 + 16 + 1;
    b[flags] = 4;
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.offset()).isEqualTo(flags);
    assertThat(e.detail()).isEqualTo("GPT flags 0x4");
  }

  @Test
  void aRunListNamingAProcessTwiceIsRefused() {
    byte[] b =
        ImageFile.encode(
            new KernelImage(
                image.oidLayout(), image.nextFresh(), image.objects(), List.of(1L, 1L)));
    assertThat(refusal(b).detail()).isEqualTo("the run list names Process#1 twice");
  }

  @Test
  void aRunListStartingAProcessWithNoProgramIsRefused() {
    byte[][] caps = client().caps().clone();
    caps[ProcessState.ADDR_SPACE] = new byte[16];
    byte[] b = withObject(indexOf(3, 1), s -> withCaps((ProcessState) s, caps));
    assertThat(refusal(b).detail())
        .isEqualTo("the run list starts Process#1, which has no program");
  }

  // ---------------------------------------------------------------- CapIDL names

  /** The image with one method name and one exception name, as a file. */
  private static byte[] withNames() {
    return ImageFile.encode(
        image,
        List.of(
            new CapIdlName(false, 0x1234_5678L, "demo.Counter.add"),
            new CapIdlName(true, 0xABCD_EF01_2345L, "demo.Counter.Overflow")));
  }

  @Test
  void aNameOfAnUnknownKindIsRefusedAtItsByte() {
    byte[] b = withNames();
    int first = Images.sectionAt(b, "NAME") + 16;
    b[first] = 2;
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.section()).isEqualTo("section NAME");
    assertThat(e.offset()).isEqualTo(first);
    assertThat(e.detail()).isEqualTo("name kind 2 is not 0 (method) or 1 (exception)");
  }

  @Test
  void aMethodCodeWiderThanThirtyTwoBitsIsRefused() {
    byte[] b = withNames();
    int first = Images.sectionAt(b, "NAME") + 16;
    b[first + 1] = 1; // the code's top byte
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.offset()).isEqualTo(first + 1);
    assertThat(e.detail()).isEqualTo("method code 0x100000012345678 is wider than 32 bits");
  }

  @Test
  void aNameHoldingWhiteSpaceIsRefused() {
    byte[] b = withNames();
    int first = Images.sectionAt(b, "NAME") + 16;
    b[first + 11 + 4] = ' '; // "demo Counter.add": a trace line could be forged with spaces
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.offset()).isEqualTo(first + 11);
    assertThat(e.detail()).isEqualTo("not a CapIDL name: the name holds U+0020");
  }

  @Test
  void aNameThatIsNotUtf8IsRefused() {
    byte[] b = withNames();
    int first = Images.sectionAt(b, "NAME") + 16;
    b[first + 11] = (byte) 0xC3; // a lead byte followed by ASCII
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.offset()).isEqualTo(first + 11);
    assertThat(e.detail()).isEqualTo("the CapIDL name is not UTF-8");
  }

  @Test
  void aNameRunningPastItsSectionIsRefused() {
    byte[] b = withNames();
    int first = Images.sectionAt(b, "NAME") + 16;
    ByteBuffer.wrap(b).putShort(first + 9, (short) 400);
    ImageFileException e = refusal(Images.withChecksum(b));
    assertThat(e.section()).isEqualTo("section NAME");
    assertThat(e.detail()).isEqualTo("record runs past the end of its section");
  }
}
