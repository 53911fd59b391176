package jackal.image.file;

import jackal.image.CapIdlName;
import jackal.kernel.boot.CodeNames;
import jackal.kernel.boot.ImageRefusedException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ObjectState;
import jackal.kernel.boot.ObjectState.CapPageState;
import jackal.kernel.boot.ObjectState.EndpointState;
import jackal.kernel.boot.ObjectState.GptState;
import jackal.kernel.boot.ObjectState.PageState;
import jackal.kernel.boot.ObjectState.ProcessState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The system image file: the objects of an unbooted kernel, its OID counters and its run list
 * ({@link KernelImage}), in a versioned, checksummed, big-endian file. The layout is documented in
 * docs/DESIGN-NOTES.md ("System image files"). {@link #encode} is deterministic, so building,
 * reading and writing again gives the same bytes.
 *
 * <p>Reading checks the whole file before anything is loaded: the header (magic, version, length,
 * CRC-32C), every section's tag, count and length, and each record's own fields; the kernel then
 * checks the objects against its invariants ({@link KernelImage#loadInto}). Every refusal is an
 * {@link ImageFileException} naming the file, the section and the byte offset.
 */
public final class ImageFile {
  private ImageFile() {}

  /** The first 8 bytes: a non-ASCII byte first, so a text file or a source image never matches. */
  static final byte[] MAGIC = {(byte) 0x89, 'J', 'K', 'L', 'I', 'M', 'G', '\n'};

  /**
   * The format this Jackal writes. Version 2 added the NAME section (the programs' CapIDL names);
   * version 1 files, which lack it, are still read.
   */
  public static final int VERSION = 2;

  static final int HEADER_BYTES = 32;
  static final int CHECKSUM_AT = 24;
  static final int SECTION_HEADER_BYTES = 16;

  static final String KERN = "KERN";
  static final String PAGE = "PAGE";
  static final String CPAG = "CPAG";
  static final String GPT = "GPT ";
  static final String PROC = "PROC";
  static final String ENDP = "ENDP";
  static final String RUN = "RUN ";
  static final String NAME = "NAME";

  /**
   * The sections, in file order: the kernel's settings, the objects by type, the run list, the
   * CapIDL names of the programs' own interfaces.
   */
  static final List<String> SECTIONS = List.of(KERN, PAGE, CPAG, GPT, PROC, ENDP, RUN, NAME);

  /** How many sections a file of format {@code version} has (version 1 had no NAME). */
  static int sectionCount(int version) {
    return version == 1 ? SECTIONS.size() - 1 : SECTIONS.size();
  }

  static final int TYPES = 5;
  static final int CAP = 16;
  static final int PAGE_BYTES = 4096;
  static final int CAP_PAGE_SLOTS = 256;
  static final int GPT_SLOTS = 16;
  static final int MAX_NAME_BYTES = 0xFFFF;

  /** Record sizes (a process's is its smallest: an empty name). */
  static final int OBJECT_HEAD = 16;

  static final int PAGE_RECORD = OBJECT_HEAD + PAGE_BYTES;
  static final int CPAG_RECORD = OBJECT_HEAD + CAP_PAGE_SLOTS * CAP;
  static final int GPT_RECORD = OBJECT_HEAD + 2 + GPT_SLOTS * CAP;
  static final int ENDP_RECORD = OBJECT_HEAD + 1 + 4 + 8 + CAP;
  static final int PROC_FIXED = OBJECT_HEAD + 2 + 4 * 4 + 8 * 3;
  static final int PROC_MIN_RECORD = PROC_FIXED + ProcessState.CAPS * CAP;

  /** A NAME record: u8 kind (0 method, 1 exception), u64 code, u16 n, n bytes of UTF-8 name. */
  static final int NAME_FIXED = 1 + 8 + 2;

  static final int NAME_MIN_RECORD = NAME_FIXED + 1;

  // ------------------------------------------------------------------ writing

  /**
   * What an image file holds, as the encoder reads it: the pages one at a time (so that a store can
   * stream a checkpoint's pages from the kernel without copying each into a record first), the
   * other objects as records.
   */
  public interface Contents {
    String oidLayout();

    /** Per object type, the next OID the builder hands out. */
    List<Long> nextFresh();

    List<Long> runList();

    /** How many pages; page {@code i} is the {@code i}-th by OID. */
    int pages();

    long pageOid(int i);

    long pageAllocCount(int i);

    /** Gives {@code to} page {@code i}'s bytes, to be read at once and not kept. */
    void pageBytes(int i, Consumer<byte[]> to);

    /** Every object that is not a page: CapPages, GPTs, Processes, Endpoints, each by OID. */
    List<ObjectState> others();

    /**
     * The CapIDL names of the programs' own interfaces, for the traces of the booted image (none
     * unless an image build gives them).
     */
    default List<CapIdlName> names() {
      return List.of();
    }
  }

  /**
   * Where the encoder puts bytes: a buffer it fills and {@link #drain}s when the next record does
   * not fit (every record fits in a buffer of {@link #MIN_BUFFER} bytes).
   */
  public abstract static class Out {
    protected ByteBuffer buf;

    protected Out(ByteBuffer buf) {
      if (buf.capacity() < MIN_BUFFER) {
        throw new IllegalArgumentException("an image's buffer holds at least " + MIN_BUFFER);
      }
      this.buf = buf;
    }

    /** The buffer, with room for {@code n} more bytes. */
    public final ByteBuffer room(int n) throws IOException {
      if (buf.remaining() < n) {
        drain();
        if (buf.remaining() < n) {
          throw new IllegalStateException("drain left " + buf.remaining() + " bytes of room");
        }
      }
      return buf;
    }

    /**
     * Takes the bytes from the buffer's start to its position and leaves {@link #buf} (this buffer
     * or another) empty, ready to be filled.
     */
    protected abstract void drain() throws IOException;
  }

  /** The room {@link Out} must have: the largest record (a process with the longest name). */
  public static final int MIN_BUFFER = PROC_MIN_RECORD + MAX_NAME_BYTES + 2;

  /** Where an image's CRC-32C is (over the whole file with these 4 bytes taken as zero). */
  public static final int CHECKSUM_OFFSET = CHECKSUM_AT;

  /** The image as a file's bytes, with no CapIDL names. */
  public static byte[] encode(KernelImage image) {
    return encode(image, List.of());
  }

  /** The image and the CapIDL names of its programs' interfaces as a file's bytes. */
  public static byte[] encode(KernelImage image, List<CapIdlName> names) {
    Contents contents = contents(image, names);
    long size = size(contents);
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("an image of " + size + " bytes is too large for a file");
    }
    ByteBuffer b = ByteBuffer.allocate(Math.max((int) size, MIN_BUFFER));
    try {
      encode(
          contents,
          new Out(b) {
            @Override
            protected void drain() {
              throw new IllegalStateException("the image is larger than its size said");
            }
          });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    byte[] out = b.capacity() == size ? b.array() : Arrays.copyOf(b.array(), (int) size);
    CRC32C crc = new CRC32C();
    crc.update(out);
    ByteBuffer.wrap(out).putInt(CHECKSUM_AT, (int) crc.getValue());
    return out;
  }

  /** A held image's contents. */
  public static Contents contents(KernelImage image) {
    return contents(image, List.of());
  }

  /** A held image's contents with the CapIDL names of its programs' interfaces. */
  public static Contents contents(KernelImage image, List<CapIdlName> names) {
    List<CapIdlName> held = List.copyOf(names);
    List<List<ObjectState>> byType = byType(image);
    List<ObjectState> pages = byType.get(0);
    List<ObjectState> others = new ArrayList<>();
    for (int t = 1; t < TYPES; t++) {
      others.addAll(byType.get(t));
    }
    return new Contents() {
      @Override
      public String oidLayout() {
        return image.oidLayout();
      }

      @Override
      public List<Long> nextFresh() {
        return image.nextFresh();
      }

      @Override
      public List<Long> runList() {
        return image.runList();
      }

      @Override
      public int pages() {
        return pages.size();
      }

      @Override
      public long pageOid(int i) {
        return pages.get(i).oid();
      }

      @Override
      public long pageAllocCount(int i) {
        return pages.get(i).allocCount();
      }

      @Override
      public void pageBytes(int i, Consumer<byte[]> to) {
        to.accept(((PageState) pages.get(i)).bytes());
      }

      @Override
      public List<ObjectState> others() {
        return others;
      }

      @Override
      public List<CapIdlName> names() {
        return held;
      }
    };
  }

  /** The size of the file {@link #encode(Contents, Out)} writes. */
  public static long size(Contents c) {
    return sizes(c)[SECTIONS.size()];
  }

  /** Each section's length, then the file's size. */
  private static long[] sizes(Contents c) {
    byte[] layout = c.oidLayout().getBytes(StandardCharsets.US_ASCII);
    long[] lengths = new long[SECTIONS.size() + 1];
    lengths[0] = 1 + layout.length + 8L * TYPES;
    lengths[1] = (long) PAGE_RECORD * c.pages();
    for (ObjectState s : c.others()) {
      lengths[s.obType() + 1] +=
          switch (s) {
            case CapPageState cp -> CPAG_RECORD;
            case GptState g -> GPT_RECORD;
            case ProcessState p -> PROC_MIN_RECORD + name(p).length;
            case EndpointState e -> ENDP_RECORD;
            case PageState p -> throw new IllegalArgumentException("a page among the others");
          };
    }
    lengths[6] = 8L * c.runList().size();
    for (CapIdlName n : c.names()) {
      lengths[7] += NAME_FIXED + nameBytes(n).length;
    }
    long size = HEADER_BYTES;
    for (int i = 0; i < SECTIONS.size(); i++) {
      size += SECTION_HEADER_BYTES + lengths[i];
    }
    lengths[SECTIONS.size()] = size;
    return lengths;
  }

  /**
   * Writes the image file of {@code c} to {@code out}, its checksum left zero (the caller computes
   * it over the bytes, as it sees them go out); returns the file's size. The bytes are those of
   * {@link #encode(KernelImage)} with the checksum zero.
   */
  public static long encode(Contents c, Out out) throws IOException {
    long[] lengths = sizes(c);
    long size = lengths[SECTIONS.size()];
    byte[] layout = c.oidLayout().getBytes(StandardCharsets.US_ASCII);
    List<List<ObjectState>> byType = new ArrayList<>();
    for (int t = 0; t < TYPES; t++) {
      byType.add(new ArrayList<>());
    }
    for (ObjectState s : c.others()) {
      byType.get(s.obType()).add(s);
    }
    ByteBuffer b = out.room(HEADER_BYTES + SECTION_HEADER_BYTES + (int) lengths[0]);
    b.put(MAGIC).putShort((short) VERSION).putShort((short) HEADER_BYTES);
    b.putInt(SECTIONS.size()).putLong(size).putInt(0).putInt(0);

    section(b, KERN, 1, lengths[0]);
    b.put((byte) layout.length).put(layout);
    for (long n : c.nextFresh()) {
      b.putLong(n);
    }
    section(out.room(SECTION_HEADER_BYTES), PAGE, c.pages(), lengths[1]);
    for (int i = 0; i < c.pages(); i++) {
      ByteBuffer r = out.room(PAGE_RECORD);
      r.putLong(c.pageOid(i)).putLong(c.pageAllocCount(i));
      c.pageBytes(
          i,
          bytes -> {
            if (bytes.length != PAGE_BYTES) {
              throw new IllegalArgumentException("a page of " + bytes.length + " bytes");
            }
            r.put(bytes);
          });
    }
    section(out.room(SECTION_HEADER_BYTES), CPAG, byType.get(1).size(), lengths[2]);
    for (ObjectState s : byType.get(1)) {
      caps(head(out.room(CPAG_RECORD), s), s.caps());
    }
    section(out.room(SECTION_HEADER_BYTES), GPT, byType.get(2).size(), lengths[3]);
    for (ObjectState s : byType.get(2)) {
      GptState g = (GptState) s;
      ByteBuffer r = out.room(GPT_RECORD);
      head(r, g).put((byte) g.l2v()).put((byte) ((g.ha() ? 1 : 0) | (g.bg() ? 2 : 0)));
      caps(r, g.caps());
    }
    section(out.room(SECTION_HEADER_BYTES), PROC, byType.get(3).size(), lengths[4]);
    for (ObjectState s : byType.get(3)) {
      ProcessState p = (ProcessState) s;
      byte[] name = name(p);
      ByteBuffer r = out.room(PROC_MIN_RECORD + name.length);
      head(r, p).putShort((short) name.length).put(name);
      r.putInt(p.runState()).putInt(p.flags()).putInt(p.notices()).putInt(p.faultCode());
      r.putLong(p.faultInfo()).putLong(p.pc()).putLong(p.cpuMask());
      caps(r, p.caps());
    }
    section(out.room(SECTION_HEADER_BYTES), ENDP, byType.get(4).size(), lengths[5]);
    for (ObjectState s : byType.get(4)) {
      EndpointState e = (EndpointState) s;
      ByteBuffer r = out.room(ENDP_RECORD);
      head(r, e).put((byte) (e.pm() ? 1 : 0)).putInt(e.protPayload()).putLong(e.endpointID());
      caps(r, e.caps());
    }
    section(out.room(SECTION_HEADER_BYTES), RUN, c.runList().size(), lengths[6]);
    for (long oid : c.runList()) {
      out.room(8).putLong(oid);
    }
    section(out.room(SECTION_HEADER_BYTES), NAME, c.names().size(), lengths[7]);
    for (CapIdlName n : c.names()) {
      byte[] name = nameBytes(n);
      out.room(NAME_FIXED + name.length)
          .put((byte) (n.exception() ? 1 : 0))
          .putLong(n.code())
          .putShort((short) name.length)
          .put(name);
    }
    return size;
  }

  /** Writes the image to {@code out} (replacing it). */
  public static void write(KernelImage image, Path out) throws IOException {
    Files.write(out, encode(image));
  }

  private static List<List<ObjectState>> byType(KernelImage image) {
    List<List<ObjectState>> byType = new ArrayList<>();
    for (int t = 0; t < TYPES; t++) {
      byType.add(new ArrayList<>());
    }
    for (ObjectState s : image.objects()) {
      byType.get(s.obType()).add(s);
    }
    return byType;
  }

  private static byte[] name(ProcessState p) {
    byte[] n = p.name().getBytes(StandardCharsets.UTF_8);
    if (n.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "process name of " + n.length + " bytes (at most " + MAX_NAME_BYTES + ")");
    }
    return n;
  }

  private static byte[] nameBytes(CapIdlName n) {
    byte[] b = n.name().getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "CapIDL name of " + b.length + " bytes (at most " + MAX_NAME_BYTES + ")");
    }
    return b;
  }

  private static void section(ByteBuffer b, String tag, int count, long length) {
    b.put(tag.getBytes(StandardCharsets.US_ASCII)).putInt(count).putLong(length);
  }

  private static ByteBuffer head(ByteBuffer b, ObjectState s) {
    return b.putLong(s.oid()).putLong(s.allocCount());
  }

  private static void caps(ByteBuffer b, byte[][] caps) {
    for (byte[] c : caps) {
      b.put(c);
    }
  }

  // ------------------------------------------------------------------ reading

  /** True if {@code file} starts with the image file's magic (a built image, not a source). */
  public static boolean isImageFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads and checks {@code file}. */
  public static Parsed read(Path file) throws IOException, ImageFileException {
    return decode(Files.readAllBytes(file), file.toString());
  }

  /**
   * Reads {@code file} into {@code kernel} (a builder that has made nothing yet) and returns the
   * processes to start before boot. A refused file loads nothing.
   */
  public static List<ObjectRef> load(Path file, Kernel kernel)
      throws IOException, ImageFileException {
    return read(file).loadInto(kernel);
  }

  /**
   * A checked image with where each part of it was in its file, so that the kernel's own refusal
   * can point at the bytes.
   */
  @SuppressWarnings("ArrayRecordComponent") // offsets only: never compared
  public record Parsed(
      String file,
      KernelImage image,
      List<CapIdlName> names,
      long kernelSection,
      long[] objectOffsets,
      int[] objectSections,
      long[] runOffsets) {

    /**
     * Loads the image into {@code kernel} and gives the kernel's traces the CapIDL names the file
     * carries; see {@link ImageFile#load}.
     */
    public List<ObjectRef> loadInto(Kernel kernel) throws ImageFileException {
      List<ObjectRef> run;
      try {
        run = image.loadInto(kernel);
      } catch (ImageRefusedException e) {
        int i = e.objectIndex();
        throw switch (e.part()) {
          case IMAGE -> new ImageFileException(file, named(KERN), kernelSection, e.getMessage());
          case RUN_LIST -> new ImageFileException(file, named(RUN), runOffsets[i], e.getMessage());
          case OBJECT ->
              new ImageFileException(
                  file,
                  named(SECTIONS.get(objectSections[i])),
                  objectOffsets[i] + capOffset(image.objects().get(i), e.capIndex()),
                  e.getMessage());
        };
      }
      registerNames(names);
      return run;
    }
  }

  /** Gives the kernel's traces {@code names}. */
  static void registerNames(List<CapIdlName> names) {
    List<CapIdlName> methods = names.stream().filter(n -> !n.exception()).toList();
    List<CapIdlName> exceptions = names.stream().filter(CapIdlName::exception).toList();
    CodeNames.register(
        methods.stream().mapToInt(n -> (int) n.code()).toArray(),
        methods.stream().map(CapIdlName::name).toArray(String[]::new),
        exceptions.stream().mapToLong(CapIdlName::code).toArray(),
        exceptions.stream().map(CapIdlName::name).toArray(String[]::new));
  }

  /** How errors name a section: {@code section GPT}. */
  static String named(String tag) {
    return "section " + tag.strip();
  }

  /** Where capability {@code c} of a record starts, from the record's start (0 if none). */
  static long capOffset(ObjectState s, int c) {
    if (c < 0) {
      return 0;
    }
    int first =
        switch (s) {
          case PageState p -> 0;
          case CapPageState cp -> OBJECT_HEAD;
          case GptState g -> OBJECT_HEAD + 2;
          case EndpointState e -> OBJECT_HEAD + 1 + 4 + 8;
          case ProcessState p -> PROC_FIXED + p.name().getBytes(StandardCharsets.UTF_8).length;
        };
    return first + (long) c * CAP;
  }

  /** Checks and decodes a file's bytes; {@code file} names it in errors. */
  public static Parsed decode(byte[] bytes, String file) throws ImageFileException {
    return new Reader(bytes, 0, bytes.length, file).read();
  }

  /**
   * Checks and decodes the {@code length} bytes of a file at {@code offset} of {@code bytes} (a
   * store's generation holds an image inside it), with no copy of them; offsets in errors count
   * from {@code offset}.
   */
  public static Parsed decode(byte[] bytes, int offset, int length, String file)
      throws ImageFileException {
    return new Reader(bytes, offset, length, file).read();
  }

  /**
   * The 16 bytes of a Null capability slot. Most slots of an image are Null; decoding gives every
   * one of them this array instead of a new one (a store of 10^5 objects holds over five million
   * slots): records' capability bytes are read, never written.
   */
  private static final byte[] NULL_CAP = new byte[CAP];

  /** One pass over the bytes, remembering where it is for its errors. */
  private static final class Reader {
    private final ByteBuffer b;
    private int version;
    private final String file;
    private String section = "header";

    /** Where the file starts in the array. */
    private final int base;

    Reader(byte[] bytes, int offset, int length, String file) {
      this.b = ByteBuffer.wrap(bytes, offset, length).slice();
      this.base = offset;
      this.file = file;
    }

    private ImageFileException error(long at, String detail) {
      return new ImageFileException(file, section, at, detail);
    }

    Parsed read() throws ImageFileException {
      int size = b.limit();
      // The magic first, as far as the file goes: a short text file is not an image at all.
      int head = Math.min(size, MAGIC.length);
      if (!Arrays.equals(b.array(), base, base + head, MAGIC, 0, head)) {
        throw error(0, "not a Jackal image file (wrong magic)");
      }
      if (size < HEADER_BYTES) {
        throw error(
            size,
            "truncated: "
                + size
                + " bytes, not even the "
                + HEADER_BYTES
                + "-byte header of an image file");
      }
      b.position(MAGIC.length);
      version = b.getShort() & 0xFFFF;
      if (version < 1 || version > VERSION) {
        throw error(
            8, "format version " + version + "; this Jackal reads versions 1 to " + VERSION);
      }
      int headerBytes = b.getShort() & 0xFFFF;
      if (headerBytes != HEADER_BYTES) {
        throw error(10, "header length " + headerBytes + ", not " + HEADER_BYTES);
      }
      long sections = b.getInt() & 0xFFFF_FFFFL;
      long length = b.getLong();
      if (length != size) {
        throw error(
            16,
            (length > size ? "truncated: " : "")
                + "the header says "
                + length
                + " bytes, the file has "
                + size);
      }
      int stored = b.getInt();
      CRC32C crc = new CRC32C();
      crc.update(b.array(), base, CHECKSUM_AT);
      crc.update(new byte[4]);
      crc.update(b.array(), base + CHECKSUM_AT + 4, size - CHECKSUM_AT - 4);
      if ((int) crc.getValue() != stored) {
        throw error(
            CHECKSUM_AT,
            String.format(
                "checksum mismatch: the file says %08x, its bytes give %08x",
                stored, (int) crc.getValue()));
      }
      if (b.getInt() != 0) {
        throw error(28, "reserved header word is not zero");
      }
      if (sections != sectionCount(version)) {
        throw error(
            12,
            sections + " sections, not the " + sectionCount(version) + " of version " + version);
      }
      try {
        return body();
      } catch (BufferUnderflowException e) {
        throw error(b.position(), "truncated in the middle of a record");
      }
    }

    /** Section headers' record counts, indexed like SECTIONS. */
    private long sectionStart;

    private long sectionEnd;

    private int open(String tag, long minRecord) throws ImageFileException {
      long at = b.position();
      section = named(tag) + " header";
      if (b.remaining() < SECTION_HEADER_BYTES) {
        throw error(at, "truncated: no room for section " + tag.strip() + "'s header");
      }
      byte[] t = new byte[4];
      b.get(t);
      String got = new String(t, StandardCharsets.ISO_8859_1);
      if (!got.equals(tag)) {
        throw error(at, "expected section '" + tag + "', found '" + printable(got) + "'");
      }
      long count = b.getInt() & 0xFFFF_FFFFL;
      long length = b.getLong();
      sectionStart = b.position();
      if (length < 0 || length > b.remaining()) {
        throw error(
            at + 8,
            "section length "
                + length
                + " runs past the end of the file ("
                + b.remaining()
                + " bytes left)");
      }
      section = named(tag);
      if (minRecord > 0 && count > length / minRecord) {
        throw error(
            at + 4,
            "record count "
                + count
                + " is out of range: "
                + length
                + " bytes hold at most "
                + length / minRecord);
      }
      sectionEnd = sectionStart + length;
      return (int) count;
    }

    private void close() throws ImageFileException {
      if (b.position() != sectionEnd) {
        throw error(
            b.position(),
            "the records end at byte "
                + b.position()
                + " but the section length says "
                + sectionEnd);
      }
    }

    /** Reads from the current section only: a record reaching past its end is an error. */
    private void need(int n) throws ImageFileException {
      if (b.position() + (long) n > sectionEnd) {
        throw error(b.position(), "record runs past the end of its section");
      }
    }

    private Parsed body() throws ImageFileException {
      long kernAt = b.position();
      int kernCount = open(KERN, 0);
      if (kernCount != 1) {
        throw error(kernAt + 4, "the KERN section holds 1 record, not " + kernCount);
      }
      need(1);
      int layoutLen = b.get() & 0xFF;
      need(layoutLen + 8 * TYPES);
      byte[] layoutBytes = new byte[layoutLen];
      b.get(layoutBytes);
      String layout = ascii(layoutBytes, sectionStart + 1);
      List<Long> next = new ArrayList<>();
      for (int t = 0; t < TYPES; t++) {
        next.add(b.getLong());
      }
      close();

      List<ObjectState> objects = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      List<Integer> sections = new ArrayList<>();
      int n = open(PAGE, PAGE_RECORD);
      for (int i = 0; i < n; i++) {
        need(PAGE_RECORD);
        offsets.add((long) b.position());
        long oid = b.getLong();
        long count = b.getLong();
        byte[] bytes = new byte[PAGE_BYTES];
        b.get(bytes);
        objects.add(new PageState(oid, count, bytes));
        sections.add(1);
      }
      close();
      n = open(CPAG, CPAG_RECORD);
      for (int i = 0; i < n; i++) {
        need(CPAG_RECORD);
        offsets.add((long) b.position());
        long oid = b.getLong();
        long count = b.getLong();
        objects.add(new CapPageState(oid, count, caps(CAP_PAGE_SLOTS)));
        sections.add(2);
      }
      close();
      n = open(GPT, GPT_RECORD);
      for (int i = 0; i < n; i++) {
        need(GPT_RECORD);
        long at = b.position();
        offsets.add(at);
        long oid = b.getLong();
        long count = b.getLong();
        int l2v = b.get() & 0xFF;
        int flags = b.get() & 0xFF;
        if ((flags & ~3) != 0) {
          throw error(at + OBJECT_HEAD + 1, "GPT flags 0x" + Integer.toHexString(flags));
        }
        objects.add(
            new GptState(oid, count, l2v, (flags & 1) != 0, (flags & 2) != 0, caps(GPT_SLOTS)));
        sections.add(3);
      }
      close();
      n = open(PROC, PROC_MIN_RECORD);
      for (int i = 0; i < n; i++) {
        need(OBJECT_HEAD + 2);
        long at = b.position();
        offsets.add(at);
        long oid = b.getLong();
        long count = b.getLong();
        int nameLen = b.getShort() & 0xFFFF;
        need(nameLen + PROC_MIN_RECORD - OBJECT_HEAD - 2);
        byte[] nameBytes = new byte[nameLen];
        b.get(nameBytes);
        String name = utf8(nameBytes, at + OBJECT_HEAD + 2, "the process name");
        int runState = b.getInt();
        int flags = b.getInt();
        int notices = b.getInt();
        int faultCode = b.getInt();
        long faultInfo = b.getLong();
        long pc = b.getLong();
        long cpuMask = b.getLong();
        objects.add(
            new ProcessState(
                oid,
                count,
                name,
                runState,
                flags,
                notices,
                faultCode,
                faultInfo,
                pc,
                cpuMask,
                caps(ProcessState.CAPS)));
        sections.add(4);
      }
      close();
      n = open(ENDP, ENDP_RECORD);
      for (int i = 0; i < n; i++) {
        need(ENDP_RECORD);
        long at = b.position();
        offsets.add(at);
        long oid = b.getLong();
        long count = b.getLong();
        int pm = b.get() & 0xFF;
        if (pm > 1) {
          throw error(at + OBJECT_HEAD, "payload-match flag " + pm + " is not 0 or 1");
        }
        int pp = b.getInt();
        long id = b.getLong();
        objects.add(new EndpointState(oid, count, pm == 1, pp, id, caps(1)));
        sections.add(5);
      }
      close();
      n = open(RUN, 8);
      List<Long> run = new ArrayList<>();
      long[] runOffsets = new long[n];
      for (int i = 0; i < n; i++) {
        need(8);
        runOffsets[i] = b.position();
        run.add(b.getLong());
      }
      close();
      List<CapIdlName> names = version == 1 ? List.of() : names();
      if (b.hasRemaining()) {
        section = "end";
        throw error(b.position(), b.remaining() + " bytes after the last section");
      }
      long[] objectOffsets = new long[offsets.size()];
      int[] objectSections = new int[offsets.size()];
      for (int i = 0; i < objectOffsets.length; i++) {
        objectOffsets[i] = offsets.get(i);
        objectSections[i] = sections.get(i);
      }
      return new Parsed(
          file,
          new KernelImage(layout, next, objects, run),
          names,
          kernAt,
          objectOffsets,
          objectSections,
          runOffsets);
    }

    /** The NAME section: each record's kind, code (a method's within 32 bits) and name. */
    private List<CapIdlName> names() throws ImageFileException {
      int n = open(NAME, NAME_MIN_RECORD);
      List<CapIdlName> names = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        need(NAME_FIXED);
        long at = b.position();
        int kind = b.get() & 0xFF;
        if (kind > 1) {
          throw error(at, "name kind " + kind + " is not 0 (method) or 1 (exception)");
        }
        long code = b.getLong();
        if (kind == 0 && (code >>> 32) != 0) {
          throw error(at + 1, "method code 0x" + Long.toHexString(code) + " is wider than 32 bits");
        }
        int len = b.getShort() & 0xFFFF;
        need(len);
        byte[] bytes = new byte[len];
        b.get(bytes);
        String name = utf8(bytes, at + NAME_FIXED, "the CapIDL name");
        String bad = CapIdlName.badName(name);
        if (bad != null) {
          throw error(at + NAME_FIXED, "not a CapIDL name: " + bad);
        }
        names.add(new CapIdlName(kind == 1, code, name));
      }
      close();
      return names;
    }

    private byte[][] caps(int n) {
      byte[][] out = new byte[n][];
      for (int i = 0; i < n; i++) {
        int at = b.position();
        if (b.getLong(at) == 0 && b.getLong(at + 8) == 0) {
          out[i] = NULL_CAP;
          b.position(at + CAP);
        } else {
          out[i] = new byte[CAP];
          b.get(out[i]);
        }
      }
      return out;
    }

    private String ascii(byte[] bytes, long at) throws ImageFileException {
      for (byte x : bytes) {
        if (x < 0x20 || x > 0x7E) {
          throw error(at, "the OID layout's name is not printable ASCII");
        }
      }
      return new String(bytes, StandardCharsets.US_ASCII);
    }

    private String utf8(byte[] bytes, long at, String what) throws ImageFileException {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        throw error(at, what + " is not UTF-8");
      }
    }

    private static String printable(String s) {
      StringBuilder out = new StringBuilder();
      for (char c : s.toCharArray()) {
        out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c));
      }
      return out.toString();
    }
  }
}
