package jackal.image.store;

import jackal.image.file.ImageFile;
import jackal.image.file.ImageFileException;
import jackal.image.store.StoreFiles.StoreFile;
import jackal.kernel.boot.CheckpointWriter;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectState;
import jackal.kernel.boot.ProgramState;
import jackal.kernel.boot.Snapshot;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A store: the directory a persistent system lives in (issue 12). It holds a header file whose two
 * copies name the current segment of the log, and the log: generations, one per checkpoint, each
 * holding the objects changed since the one before as records of the image file format ({@link
 * ImageFile}), the OID counters, the run list, the processes' program states and the kernel's
 * clock. Each segment starts with two commit slots naming a prefix of it that is known to be
 * durable.
 *
 * <p>A generation is committed by one force: it is appended after the last one, the commit slot not
 * in use is written naming the generation before it (already durable), and the segment is forced
 * once. Recovery takes the newest commit slot that checks; everything up to the end it names must
 * check (damage there is refused); past it, the generations whose heads and bodies check and whose
 * numbers follow on are committed too, and the first that does not is the checkpoint a crash
 * interrupted, passed over and said so. The layout is in docs/PERSISTENCE.md ("The store").
 */
public final class Store implements CheckpointWriter, Closeable {
  static final String HEADER = "jackal.store";
  static final String LOG_DIR = "log";
  static final byte[] HEADER_MAGIC = {(byte) 0x89, 'J', 'K', 'L', 'S', 'T', 'O', 'R'};
  static final byte[] SLOT_MAGIC = {(byte) 0x89, 'J', 'K', 'L', 'C', 'M', 'I', 'T'};
  static final byte[] GEN_MAGIC = {(byte) 0x89, 'J', 'K', 'L', 'G', 'E', 'N', '\n'};

  /**
   * The format: 2 since one force commits a generation (version 1 forced the generation, then a
   * header copy naming it; it is refused with a message saying so).
   */
  public static final int VERSION = 2;

  static final int SLOT_BYTES = 4096;
  static final int SLOT_CRC_AT = SLOT_BYTES - 4;

  /** Where a segment's first generation starts: after its two commit slots. */
  static final long SEGMENT_START = 2L * SLOT_BYTES;

  static final int GEN_HEAD = 40;
  static final int MAX_LAYOUT = 64;
  static final int FLAG_FULL = 1;

  /** One copy of the header file: the segment the log is in. */
  record Header(int copy, long segment) {}

  /**
   * A commit point: generation {@code sequence} ends at {@code end} of the segment, and starts at
   * {@code lastOffset} with body checksum {@code lastCrc} (sequence 0: no generation yet). {@code
   * copy} is the commit slot it was read from or will be written to.
   */
  record Commit(int copy, long segment, long sequence, long end, long lastOffset, int lastCrc) {}

  /** A generation as the log holds it. */
  public record Generation(
      long number,
      String segment,
      long offset,
      long length,
      boolean full,
      int objects,
      long clock) {}

  /**
   * The system a store holds, as its newest committed generation leaves it.
   *
   * @param image every object's newest record, the newest OID counters and run list
   * @param clock the kernel's clock at the newest cut
   * @param programs every process's program state at the newest cut
   * @param generation the newest committed generation
   * @param generations every generation of the log, oldest first
   * @param note what recovery had to pass over (an uncommitted or torn tail), or null
   */
  public record Recovered(
      KernelImage image,
      long clock,
      List<ProgramState> programs,
      long generation,
      List<Generation> generations,
      String note) {}

  private final StoreFiles files;
  private Header header;
  private StoreFile headerFile;
  private StoreFile segment;

  /** The newest commit slot that checks (the durable prefix); null for a store not created yet. */
  private Commit slot;

  /** The newest committed generation: {@link #slot}'s, or one after it that checks. */
  private Commit current;

  /**
   * True once generations past {@link #slot} were taken at open: before a slot may name them they
   * are forced (a killed process leaves them in the page cache, not necessarily on the disk).
   */
  private boolean forceBeforeSlot;

  /** What opening passed over (a damaged copy or slot, an uncommitted tail), or null. */
  private String openNote;

  /** Damage found past the commit slot at open, thrown by {@link #recover}; or null. */
  private StoreException openDamage;

  private long compactAbove = 512L << 20;

  /** True once this store has written (a store only read, as by the fsck, is left as it was). */
  private boolean wrote;

  private Store(StoreFiles files) {
    this.files = files;
  }

  /** Opens the store in {@code dir} (which may be empty or absent: a store with no system). */
  public static Store open(Path dir) throws IOException, StoreException {
    return open(new DiskFiles(dir));
  }

  /**
   * Opens a store through {@code files}: reads and checks its header copies and commit slots, and
   * finds the generations committed past the newest slot. Writes nothing.
   */
  public static Store open(StoreFiles files) throws IOException, StoreException {
    Store s = new Store(files);
    s.readHeader();
    if (s.header != null) {
      s.readSlots();
      s.scanPastSlot();
    }
    return s;
  }

  /** True if the store holds a committed system (a resume starts from it). */
  public boolean holdsSystem() {
    return current != null && current.sequence() > 0;
  }

  /** The newest committed generation, 0 if none. */
  public synchronized long generation() {
    return current == null ? 0 : current.sequence();
  }

  /** Compacts the log once its segment passes {@code bytes} (default 512 MiB). */
  public synchronized void compactAbove(long bytes) {
    this.compactAbove = bytes;
  }

  /** Where the store is, for messages. */
  public String where() {
    return files.where();
  }

  private void note(String n) {
    openNote = openNote == null ? n : openNote + "; " + n;
  }

  // ------------------------------------------------------------------ header and commit slots

  private void readHeader() throws IOException, StoreException {
    if (!files.exists(HEADER)) {
      return;
    }
    headerFile = files.open(HEADER);
    if (headerFile.size() == 0) {
      // A creation killed before its header's first write: it committed nothing.
      headerFile.close();
      headerFile = null;
      return;
    }
    byte[][] copies = readCopies(headerFile);
    Header[] got = new Header[2];
    String[] why = new String[2];
    for (int c = 0; c < 2; c++) {
      try {
        ByteBuffer b = checkCopy(copies[c], HEADER_MAGIC, HEADER, c, "header");
        got[c] = new Header(c, b.getLong(16));
      } catch (Invalid e) {
        why[c] = e.getMessage();
      }
    }
    int newest =
        newest(got[0] == null ? -1 : got[0].segment(), got[1] == null ? -1 : got[1].segment());
    if (newest < 0) {
      throw new StoreException(
          HEADER, 0, 0, "neither header copy is valid (A: " + why[0] + "; B: " + why[1] + ")");
    }
    header = got[newest];
    if (got[1 - newest] == null && !"never written".equals(why[1 - newest])) {
      note(
          "header copy "
              + copyName(1 - newest)
              + " is damaged or was torn ("
              + why[1 - newest]
              + "); copy "
              + copyName(newest)
              + " names the segment");
    }
  }

  private void readSlots() throws IOException, StoreException {
    String name = segmentName(header.segment());
    if (!files.exists(name)) {
      throw new StoreException(
          HEADER, 0, (long) header.copy() * SLOT_BYTES, "names " + name + ", which is missing");
    }
    segment = files.open(name);
    byte[][] copies = readCopies(segment);
    Commit[] got = new Commit[2];
    String[] why = new String[2];
    for (int c = 0; c < 2; c++) {
      try {
        ByteBuffer b = checkCopy(copies[c], SLOT_MAGIC, name, c, "commit slot");
        long seg = b.getLong(16);
        if (seg != header.segment()) {
          throw new StoreException(
              name,
              b.getLong(24),
              (long) c * SLOT_BYTES + 16,
              "commit slot " + copyName(c) + " belongs to segment " + seg + ", not to this one");
        }
        got[c] = new Commit(c, seg, b.getLong(24), b.getLong(32), b.getLong(40), b.getInt(48));
      } catch (Invalid e) {
        why[c] = e.getMessage();
      }
    }
    int newest =
        newest(got[0] == null ? -1 : got[0].sequence(), got[1] == null ? -1 : got[1].sequence());
    if (newest < 0) {
      throw new StoreException(
          name, 0, 0, "neither commit slot is valid (A: " + why[0] + "; B: " + why[1] + ")");
    }
    slot = got[newest];
    current = slot;
    if (got[1 - newest] == null && !"never written".equals(why[1 - newest])) {
      note(
          "commit slot "
              + copyName(1 - newest)
              + " of "
              + name
              + " is damaged or was torn ("
              + why[1 - newest]
              + "); slot "
              + copyName(newest)
              + " names generation "
              + slot.sequence());
    }
  }

  /** Which of two copies ranks higher (-1 for an absent one): the index, or -1 if neither. */
  private static int newest(long a, long b) {
    if (a < 0 && b < 0) {
      return -1;
    }
    return a >= b ? 0 : 1;
  }

  private static String copyName(int c) {
    return c == 0 ? "A" : "B";
  }

  /** The two 4 KiB copies at the start of {@code f} (zeros where the file is shorter). */
  private static byte[][] readCopies(StoreFile f) throws IOException {
    long size = f.size();
    byte[][] out = new byte[2][SLOT_BYTES];
    for (int c = 0; c < 2; c++) {
      ByteBuffer b = ByteBuffer.wrap(out[c]);
      if (size > (long) c * SLOT_BYTES) {
        readFully(f, b, (long) c * SLOT_BYTES);
      }
    }
    return out;
  }

  /** Thrown for a copy that is absent or torn (not corrupt by itself: the other may serve). */
  private static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String m) {
      super(m, null, false, false);
    }
  }

  /**
   * Checks one copy (its CRC, magic, version and place) and returns it for reading. A copy of
   * another format version is refused outright: the store was written by another Jackal.
   */
  private static ByteBuffer checkCopy(
      byte[] bytes, byte[] magic, String file, int copy, String what)
      throws Invalid, StoreException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    boolean empty = true;
    for (byte x : bytes) {
      if (x != 0) {
        empty = false;
        break;
      }
    }
    if (empty) {
      throw new Invalid("never written");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, SLOT_CRC_AT);
    int stored = b.getInt(SLOT_CRC_AT);
    if ((int) crc.getValue() != stored) {
      throw new Invalid(
          String.format("checksum mismatch (says %08x, bytes give %08x)", stored, crc.getValue()));
    }
    if (!Arrays.equals(bytes, 0, 8, magic, 0, 8)) {
      throw new Invalid("not a Jackal store " + what + " (wrong magic)");
    }
    int version = b.getShort(8) & 0xFFFF;
    if (version != VERSION) {
      throw new StoreException(
          file,
          0,
          (long) copy * SLOT_BYTES + 8,
          "format version "
              + version
              + "; this Jackal reads version "
              + VERSION
              + (version == 1
                  ? " (version 1, which committed a checkpoint with two forces, is not converted:"
                      + " boot the image into a new store)"
                  : ""));
    }
    int at = b.getShort(10) & 0xFFFF;
    if (at != copy) {
      throw new Invalid("holds copy " + at + " in the place of copy " + copy);
    }
    return b;
  }

  private static ByteBuffer copyBytes(byte[] magic, int copy) {
    ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
    b.put(magic).putShort((short) VERSION).putShort((short) copy).putInt(0);
    return b;
  }

  private static ByteBuffer sealCopy(ByteBuffer b) {
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, SLOT_CRC_AT);
    b.putInt(SLOT_CRC_AT, (int) crc.getValue());
    return b.clear();
  }

  /** Writes and forces one header copy (at the store's creation and at each compaction). */
  private void writeHeader(Header h) throws IOException {
    ByteBuffer b = copyBytes(HEADER_MAGIC, h.copy());
    b.putLong(h.segment());
    headerFile.write(sealCopy(b), (long) h.copy() * SLOT_BYTES);
    headerFile.force();
  }

  /** Writes one commit slot of {@code f}, unforced: the caller's force makes it durable. */
  private static void writeSlot(StoreFile f, Commit c) throws IOException {
    ByteBuffer b = copyBytes(SLOT_MAGIC, c.copy());
    b.putLong(c.segment()).putLong(c.sequence()).putLong(c.end()).putLong(c.lastOffset());
    b.putInt(c.lastCrc());
    f.write(sealCopy(b), (long) c.copy() * SLOT_BYTES);
  }

  static String segmentName(long n) {
    return String.format("%s/segment-%06d.jkl", LOG_DIR, n);
  }

  // ------------------------------------------------------------------ past the commit slot

  /**
   * Finds the generations committed past the newest slot: each whose head and body check and whose
   * number follows on (its force made it durable; the slot naming it comes with the next one). The
   * first that does not check ends the log: the checkpoint a crash interrupted. Unless the
   * generation after it checks too: then it was forced before that one was written, and it is
   * damage (kept for {@link #recover} to refuse).
   */
  private void scanPastSlot() throws IOException {
    String name = segmentName(header.segment());
    long size = segment.size();
    if (size < slot.end()) {
      return; // recover refuses it, naming what the slot promised
    }
    long pos = slot.end();
    long expect = slot.sequence() + 1;
    while (pos < size) {
      Head h = readHead(segment, pos, size);
      String why = h.problem(expect);
      if (why == null) {
        int crc = bodyCrc(segment, pos + GEN_HEAD, h.length());
        if (crc == h.bodyCrc()) {
          current = new Commit(-1, header.segment(), expect, h.end(), pos, crc);
          forceBeforeSlot = true;
          pos = h.end();
          expect++;
          continue;
        }
        if (readHead(segment, h.end(), size).problem(expect + 1) == null) {
          openDamage =
              new StoreException(
                  name,
                  expect,
                  pos + GEN_HEAD,
                  String.format(
                      "checksum mismatch: the head says %08x, the %d bytes give %08x, and"
                          + " generation %d follows it (so it was committed)",
                      h.bodyCrc(), h.length(), crc, expect + 1));
          return;
        }
      }
      return; // the checkpoint a crash interrupted: recover says so
    }
  }

  /** A generation's 40-byte head as read, whatever it holds. */
  private record Head(byte[] bytes, long at, long available) {
    boolean magic() {
      return Arrays.equals(bytes, 0, 8, GEN_MAGIC, 0, 8);
    }

    boolean checks() {
      CRC32C c = new CRC32C();
      c.update(bytes, 0, 36);
      return (int) c.getValue() == ByteBuffer.wrap(bytes).getInt(36);
    }

    int version() {
      return ByteBuffer.wrap(bytes).getShort(8) & 0xFFFF;
    }

    boolean full() {
      return (ByteBuffer.wrap(bytes).getShort(10) & FLAG_FULL) != 0;
    }

    long number() {
      return ByteBuffer.wrap(bytes).getLong(16);
    }

    long length() {
      return ByteBuffer.wrap(bytes).getLong(24);
    }

    int bodyCrc() {
      return ByteBuffer.wrap(bytes).getInt(32);
    }

    long end() {
      return at + GEN_HEAD + length();
    }

    /** Why this is not a whole generation numbered {@code expect}, or null if it may be one. */
    String problem(long expect) {
      if (available < GEN_HEAD) {
        return "a head cut short";
      }
      if (!magic() || !checks()) {
        return "no generation head";
      }
      if (version() != VERSION || number() != expect) {
        return "generation " + number() + " of version " + version();
      }
      long len = length();
      if (len < 4 || len > available - GEN_HEAD || len > Integer.MAX_VALUE - 16) {
        return "a body cut short";
      }
      return null;
    }
  }

  private static Head readHead(StoreFile f, long at, long size) throws IOException {
    byte[] b = new byte[GEN_HEAD];
    if (size - at >= GEN_HEAD) {
      readFully(f, ByteBuffer.wrap(b), at);
    }
    return new Head(b, at, size - at);
  }

  /** The CRC-32C of {@code length} bytes at {@code at}, read a piece at a time. */
  private static int bodyCrc(StoreFile f, long at, long length) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(length, CHUNK));
    long done = 0;
    while (done < length) {
      b.clear().limit((int) Math.min(b.capacity(), length - done));
      readFully(f, b, at + done);
      b.flip();
      if (!b.hasRemaining()) {
        break; // the file ended: the caller saw its size, so this is a race with a writer
      }
      done += b.remaining();
      crc.update(b);
    }
    return (int) crc.getValue();
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes {@code snapshot} as the next generation and commits it with one force (see the class
   * comment). Throws, leaving the previous commit as the store's, if any write or force fails. The
   * first generation of a store must hold every object.
   */
  @Override
  public synchronized void write(Snapshot snapshot) throws IOException {
    if (!holdsSystem() && !snapshot.full()) {
      throw new IOException(
          "the first checkpoint of a store holds every object; this snapshot holds only those"
              + " changed since the kernel's last cut");
    }
    if (failure != null) {
      throw new IOException(
          "an earlier write of this store failed ("
              + failure
              + "): what reached the disk is unknown until the store is opened again");
    }
    try {
      append(contents(snapshot), snapshot.clock(), snapshot.programs(), snapshot.full());
      if (current.end() > compactAbove) {
        compact();
      }
    } catch (IOException | RuntimeException e) {
      failure = String.valueOf(e.getMessage());
      throw e;
    }
  }

  /**
   * Why a write failed, once one has: after a failed write or force the kernel may have dropped
   * what it was asked to write, so the store writes nothing more until it is opened again and its
   * commit read from the disk (as PostgreSQL stops after a failed fsync).
   */
  private String failure;

  /** Makes the store's files: segment 1 with slot A naming no generation, then the header. */
  private void create() throws IOException {
    segment = files.open(segmentName(1));
    segment.truncate(0);
    Commit none = new Commit(0, 1, 0, SEGMENT_START, 0, 0);
    writeSlot(segment, none);
    segment.force();
    files.syncDirectories(); // the segment's name is durable before a header names it
    headerFile = files.open(HEADER);
    Header h = new Header(1, 1);
    writeHeader(h);
    files.syncDirectories();
    header = h;
    slot = none;
    current = none;
  }

  /**
   * Appends and commits one generation with one force (also called directly by this package's
   * tests). The store's first generation is sealed by a slot at once (a second force): a store
   * whose only generation could pass for a torn tail would look empty.
   */
  void append(ImageFile.Contents image, long clock, List<ProgramState> programs, boolean full)
      throws IOException {
    if (current == null) {
      create();
    }
    wrote = true;
    if (forceBeforeSlot || segment.size() > current.end()) {
      // What a crash left past the commit is cut away before anything is written after it: the
      // next generation may be shorter, and bytes left after it (a program's page inside a torn
      // generation) must never be read as a generation that follows it. The generations taken at
      // open are forced before a slot names them.
      if (segment.size() > current.end()) {
        segment.truncate(current.end());
      }
      segment.force();
      forceBeforeSlot = false;
    }
    long seq = current.sequence() + 1;
    long at = current.end();
    Written g = writeGeneration(segment, at, seq, image, extras(clock, programs), full);
    Commit named = null;
    if (slot.sequence() < current.sequence()) {
      named = withCopy(current, 1 - slot.copy()); // durable since its own force
      writeSlot(segment, named);
    }
    segment.force();
    if (named != null) {
      slot = named;
    }
    current = new Commit(-1, header.segment(), seq, at + g.length(), at, g.crc());
    if (seq == 1) {
      seal();
    }
  }

  /** Writes the free commit slot naming the newest generation, and forces it. */
  private void seal() throws IOException {
    if (slot.sequence() < current.sequence()) {
      Commit named = withCopy(current, 1 - slot.copy());
      writeSlot(segment, named);
      segment.force();
      slot = named;
    }
  }

  private static Commit withCopy(Commit c, int copy) {
    return new Commit(copy, c.segment(), c.sequence(), c.end(), c.lastOffset(), c.lastCrc());
  }

  /** A snapshot's objects as the image encoder reads them: its pages streamed, not copied. */
  private static ImageFile.Contents contents(Snapshot s) {
    return new ImageFile.Contents() {
      @Override
      public String oidLayout() {
        return s.oidLayout();
      }

      @Override
      public List<Long> nextFresh() {
        return s.nextFresh();
      }

      @Override
      public List<Long> runList() {
        return s.runList();
      }

      @Override
      public int pages() {
        return s.pageCount();
      }

      @Override
      public long pageOid(int i) {
        return s.pageOid(i);
      }

      @Override
      public long pageAllocCount(int i) {
        return s.pageAllocCount(i);
      }

      @Override
      public void pageBytes(int i, java.util.function.Consumer<byte[]> to) {
        s.pageBytes(i, to);
      }

      @Override
      public List<ObjectState> others() {
        return s.others();
      }
    };
  }

  // ------------------------------------------------------------------ writing a generation

  /** The size of each of the two buffers a generation is written through. */
  static final int CHUNK = 1 << 20;

  /** The buffers (direct: written without another copy), made by the first write. */
  private ByteBuffer firstChunk;

  private ByteBuffer nextChunk;

  /** What a generation's writing left: its length (head included) and its body's CRC-32C. */
  private record Written(long length, int crc) {}

  /**
   * Writes one generation (its 40-byte head, then the program states, then the image of {@code
   * image}) at {@code at} of {@code f}, unforced. The bytes go out as they are encoded, through two
   * buffers, each byte checksummed once: the head and the image's own checksum are only known at
   * the end, so the first buffer (which holds the head and, unless the program states are large,
   * the image's checksum) is written last, after they are put in it. A generation that fits in one
   * buffer is one write.
   */
  private Written writeGeneration(
      StoreFile f, long at, long seq, ImageFile.Contents image, byte[] extras, boolean full)
      throws IOException {
    if (firstChunk == null) {
      firstChunk = ByteBuffer.allocateDirect(CHUNK);
      nextChunk = ByteBuffer.allocateDirect(CHUNK);
    }
    firstChunk.clear();
    nextChunk.clear();
    long imageAt = GEN_HEAD + 4L + extras.length;
    GenerationOut out = new GenerationOut(f, at, imageAt, firstChunk, nextChunk);
    out.put(new byte[GEN_HEAD]); // the head, put in place at the end
    out.room(4).putInt(extras.length);
    out.put(extras);
    long imageSize = ImageFile.encode(image, out);
    long length = imageAt + imageSize;
    out.finish();
    // The image's checksum: its bytes before the field, the field as zeros, the bytes after it.
    out.imageBefore.update(new byte[4]);
    int imageCrc =
        Crc32c.combine((int) out.imageBefore.getValue(), out.tailCrc(), out.tail(length));
    byte[] field = ByteBuffer.allocate(4).putInt(imageCrc).array();
    out.bodyBefore.update(field);
    int bodyCrc = Crc32c.combine((int) out.bodyBefore.getValue(), out.tailCrc(), out.tail(length));
    ByteBuffer head = ByteBuffer.allocate(GEN_HEAD);
    head.put(GEN_MAGIC).putShort((short) VERSION).putShort((short) (full ? FLAG_FULL : 0));
    head.putInt(0).putLong(seq).putLong(length - GEN_HEAD).putInt(bodyCrc);
    CRC32C headCrc = new CRC32C();
    headCrc.update(head.array(), 0, 36);
    head.putInt((int) headCrc.getValue());
    ByteBuffer first = out.first();
    first.put(0, head.array());
    long fieldAt = out.fieldAt;
    if (fieldAt + 4 <= first.limit()) {
      first.put((int) fieldAt, field);
    } else {
      f.write(ByteBuffer.wrap(field), at + fieldAt);
    }
    f.write(first, at);
    return new Written(length, bodyCrc);
  }

  /**
   * The image encoder's output for one generation: fills a buffer, and when it is full checksums it
   * and writes it (the first one is kept back, see {@link #writeGeneration}).
   */
  private static final class GenerationOut extends ImageFile.Out {
    private final StoreFile file;
    private final long at;
    private final ByteBuffer firstBuf;
    private final ByteBuffer other;

    /** Where, in the generation, the image's checksum field is. */
    final long fieldAt;

    private final long imageAt;

    /** The generation's bytes before the buffer now being filled. */
    private long drained;

    private boolean firstKept;

    /** The body's bytes before the image's checksum field. */
    final CRC32C bodyBefore = new CRC32C();

    /** The image's bytes before its checksum field. */
    final CRC32C imageBefore = new CRC32C();

    /** Every byte after the field. */
    private final CRC32C after = new CRC32C();

    GenerationOut(StoreFile file, long at, long imageAt, ByteBuffer first, ByteBuffer other) {
      super(first);
      this.file = file;
      this.at = at;
      this.firstBuf = first;
      this.other = other;
      this.imageAt = imageAt;
      this.fieldAt = imageAt + ImageFile.CHECKSUM_OFFSET;
    }

    /** Puts {@code bytes}, in however many buffers they take. */
    void put(byte[] bytes) throws IOException {
      int off = 0;
      while (off < bytes.length) {
        if (!buf.hasRemaining()) {
          drain();
        }
        int n = Math.min(buf.remaining(), bytes.length - off);
        buf.put(bytes, off, n);
        off += n;
      }
    }

    @Override
    protected void drain() throws IOException {
      int n = buf.position();
      checksum(buf, n);
      buf.flip();
      if (!firstKept) {
        firstKept = true; // kept: written last, once the head is known
        buf = other;
      } else {
        file.write(buf, at + drained);
        buf.clear();
      }
      drained += n;
    }

    /** Checksums what the last buffer holds and writes it (unless it is the first, kept back). */
    void finish() throws IOException {
      if (!firstKept || buf.position() > 0) {
        drain();
      }
    }

    /** The first buffer: the generation's first bytes, from 0 to its limit. */
    ByteBuffer first() {
      return firstBuf;
    }

    int tailCrc() {
      return (int) after.getValue();
    }

    long tail(long length) {
      return length - fieldAt - 4;
    }

    /**
     * Adds the buffer's first {@code n} bytes, at {@link #drained}, to the checksums they are in.
     */
    private void checksum(ByteBuffer b, int n) {
      long from = drained;
      long to = drained + n;
      update(bodyBefore, b, from, n, GEN_HEAD, fieldAt);
      update(imageBefore, b, from, n, imageAt, fieldAt);
      update(after, b, from, n, fieldAt + 4, to);
    }

    /** Adds the bytes of {@code b} (its first {@code n}, from {@code base}) in [lo, hi). */
    private static void update(CRC32C crc, ByteBuffer b, long base, int n, long lo, long hi) {
      long start = Math.max(lo, base);
      long end = Math.min(hi, base + n);
      if (start >= end) {
        return;
      }
      ByteBuffer part = b.duplicate();
      part.limit((int) (end - base)).position((int) (start - base));
      crc.update(part);
    }
  }

  private static byte[] extras(long clock, List<ProgramState> programs) {
    int size = 8 + 4;
    for (ProgramState p : programs) {
      size += 8 + 1 + (p.program() == null ? 0 : 4 + p.program().length);
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putLong(clock).putInt(programs.size());
    for (ProgramState p : programs) {
      b.putLong(p.oid())
          .put(
              (byte)
                  ((p.exited() ? 1 : 0)
                      | (p.program() != null ? 2 : 0)
                      | (p.receiveSuspended() ? 4 : 0)));
      if (p.program() != null) {
        b.putInt(p.program().length).put(p.program());
      }
    }
    return b.array();
  }

  /**
   * Rewrites the log as one generation holding every object's newest record, in a new segment whose
   * slot A names it, forced; then the other header copy names the new segment, forced, and the old
   * segment is deleted. A crash at any moment leaves the header naming either the old log or the
   * new one, both complete.
   */
  public synchronized void compact() throws IOException {
    if (!holdsSystem()) {
      return;
    }
    Recovered r;
    try {
      r = recover();
    } catch (StoreException e) {
      throw new IOException("cannot compact: " + e.getMessage(), e);
    }
    long newSegment = header.segment() + 1;
    long seq = current.sequence() + 1;
    StoreFile out = files.open(segmentName(newSegment));
    Commit named;
    try {
      out.truncate(0);
      Written g =
          writeGeneration(
              out,
              SEGMENT_START,
              seq,
              ImageFile.contents(r.image()),
              extras(r.clock(), r.programs()),
              true);
      named = new Commit(0, newSegment, seq, SEGMENT_START + g.length(), SEGMENT_START, g.crc());
      writeSlot(out, named);
      out.force();
      files.syncDirectories();
    } catch (IOException e) {
      out.close();
      throw e;
    }
    Header next = new Header(1 - header.copy(), newSegment);
    writeHeader(next);
    String old = segmentName(header.segment());
    header = next;
    slot = named;
    current = named;
    forceBeforeSlot = false;
    segment.close();
    segment = out;
    files.delete(old);
    files.syncDirectories();
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads and checks the committed log and returns the system it holds. Refused with a message
   * naming the file, generation and offset if anything committed does not check: up to the newest
   * commit slot (which names only generations forced before it), and past it a generation followed
   * by another; an uncommitted tail (a checkpoint the crash interrupted) and a torn header copy or
   * slot are passed over, and said so in {@link Recovered#note}.
   */
  public synchronized Recovered recover() throws IOException, StoreException {
    if (openDamage != null) {
      throw openDamage;
    }
    if (!holdsSystem()) {
      throw new StoreException(files.where(), 0, -1, "the store holds no system");
    }
    return replay(openNote);
  }

  private Recovered replay(String note) throws IOException, StoreException {
    String name = segmentName(header.segment());
    StoreFile seg = segment;
    long size = seg.size();
    if (size < slot.end()) {
      throw new StoreException(
          name,
          slot.sequence(),
          size,
          "the segment is "
              + size
              + " bytes, but its commit slot "
              + copyName(slot.copy())
              + " says its first "
              + slot.end()
              + " are committed");
    }
    Commit h = current;
    List<TreeMap<Long, ObjectState>> objects = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      objects.add(new TreeMap<>());
    }
    List<Generation> gens = new ArrayList<>();
    KernelImage last = null;
    long clock = 0;
    List<ProgramState> programs = List.of();
    long pos = SEGMENT_START;
    long expect = -1;
    while (pos < h.end()) {
      ByteBuffer head = ByteBuffer.allocate(GEN_HEAD);
      if (pos + GEN_HEAD > h.end()) {
        throw new StoreException(name, 0, pos, "a generation's head runs past the committed end");
      }
      readFully(seg, head, pos);
      byte[] hb = head.array();
      if (!Arrays.equals(hb, 0, 8, GEN_MAGIC, 0, 8)) {
        throw new StoreException(name, 0, pos, "no generation starts here (wrong magic)");
      }
      CRC32C hc = new CRC32C();
      hc.update(hb, 0, 36);
      if ((int) hc.getValue() != head.getInt(36)) {
        throw new StoreException(name, 0, pos + 36, "a generation head's checksum does not match");
      }
      int version = head.getShort(8) & 0xFFFF;
      long gen = head.getLong(16);
      if (version != VERSION) {
        throw new StoreException(
            name, gen, pos + 8, "format version " + version + "; this Jackal reads " + VERSION);
      }
      if (expect >= 0 && gen != expect) {
        throw new StoreException(
            name, gen, pos + 16, "generation " + gen + " follows " + (expect - 1));
      }
      boolean full = (head.getShort(10) & FLAG_FULL) != 0;
      if (expect < 0 && !full) {
        throw new StoreException(
            name, gen, pos + 10, "the first generation of a segment must hold every object");
      }
      long len = head.getLong(24);
      if (len < 4 || len > h.end() - pos - GEN_HEAD || len > Integer.MAX_VALUE - 16) {
        throw new StoreException(
            name, gen, pos + 24, "length " + len + " runs past the committed end " + h.end());
      }
      ByteBuffer body = ByteBuffer.allocate((int) len);
      readFully(seg, body, pos + GEN_HEAD);
      CRC32C bc = new CRC32C();
      bc.update(body.array());
      int stored = head.getInt(32);
      if ((int) bc.getValue() != stored) {
        throw new StoreException(
            name,
            gen,
            pos + GEN_HEAD,
            String.format(
                "checksum mismatch: the head says %08x, the %d bytes give %08x",
                stored, len, (int) bc.getValue()));
      }
      body.clear();
      int extrasLen = body.getInt();
      if (extrasLen < 12 || extrasLen > len - 4) {
        throw new StoreException(name, gen, pos + GEN_HEAD, "program-state length " + extrasLen);
      }
      long extrasAt = pos + GEN_HEAD + 4;
      clock = body.getLong();
      int n = body.getInt();
      List<ProgramState> ps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (body.position() + 9 > 4 + extrasLen) {
          throw new StoreException(name, gen, extrasAt, "program states run past their length");
        }
        long oid = body.getLong();
        int flags = body.get() & 0xFF;
        if ((flags & ~7) != 0) {
          throw new StoreException(
              name,
              gen,
              pos + GEN_HEAD + body.position() - 1,
              "program state flags " + flags + " (bits 1, 2 and 4 are the only ones defined)");
        }
        byte[] prog = null;
        if ((flags & 2) != 0) {
          int plen = body.getInt();
          if (plen < 0 || body.position() + plen > 4 + extrasLen) {
            throw new StoreException(
                name, gen, pos + GEN_HEAD + body.position(), "program state length " + plen);
          }
          prog = new byte[plen];
          body.get(prog);
        }
        ps.add(new ProgramState(oid, (flags & 1) != 0, prog, (flags & 4) != 0));
      }
      long imgAt = pos + GEN_HEAD + 4 + extrasLen;
      KernelImage image;
      try {
        image =
            ImageFile.decode(body.array(), 4 + extrasLen, (int) len - 4 - extrasLen, name).image();
      } catch (ImageFileException e) {
        throw new StoreException(name, gen, imgAt + e.offset(), e.section() + ": " + e.detail());
      }
      if (last != null && !last.oidLayout().equals(image.oidLayout())) {
        throw new StoreException(
            name, gen, imgAt, "OID layout " + image.oidLayout() + " after " + last.oidLayout());
      }
      for (ObjectState s : image.objects()) {
        objects.get(s.obType()).put(s.oid(), s);
      }
      programs = ps;
      last = image;
      gens.add(new Generation(gen, name, pos, GEN_HEAD + len, full, image.objects().size(), clock));
      if ((pos == slot.lastOffset() && gen == slot.sequence() && stored != slot.lastCrc())
          || (pos == h.lastOffset() && stored != h.lastCrc())) {
        throw new StoreException(
            name, gen, pos, "the commit names a generation here with another checksum");
      }
      pos += GEN_HEAD + len;
      expect = gen + 1;
    }
    if (last == null || expect - 1 != h.sequence()) {
      throw new StoreException(
          name,
          h.sequence(),
          pos,
          "the log ends at generation " + (expect - 1) + ", its commit names " + h.sequence());
    }
    if (size > h.end()) {
      String tail =
          (size - h.end())
              + " bytes past the committed end of "
              + name
              + " (a checkpoint that was not committed) are ignored";
      note = note == null ? tail : note + "; " + tail;
    }
    List<ObjectState> all = new ArrayList<>();
    for (TreeMap<Long, ObjectState> m : objects) {
      all.addAll(m.values());
    }
    KernelImage merged = new KernelImage(last.oidLayout(), last.nextFresh(), all, last.runList());
    return new Recovered(merged, clock, programs, h.sequence(), gens, note);
  }

  /**
   * Reads {@code b.remaining()} bytes at {@code at}, at most {@link #CHUNK} at a time: a channel
   * reads into a heap buffer through a temporary direct buffer as large as the request, so one read
   * of a whole generation would allocate (and zero) a direct buffer of its size.
   */
  private static void readFully(StoreFile f, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      ByteBuffer part = b.duplicate();
      part.limit(Math.min(b.limit(), b.position() + CHUNK));
      int n = f.read(part, pos);
      if (n < 0) {
        break;
      }
      b.position(b.position() + n);
      pos += n;
    }
  }

  /**
   * Closes the store. After a clean run the free commit slot is written naming the newest
   * generation and forced, so that every generation is covered by a slot and damage to the last one
   * is refused rather than taken for a torn tail.
   */
  @Override
  public synchronized void close() throws IOException {
    try {
      if (wrote && failure == null && segment != null && slot != null) {
        seal();
      }
    } finally {
      if (segment != null) {
        segment.close();
        segment = null;
      }
      if (headerFile != null) {
        headerFile.close();
        headerFile = null;
      }
    }
  }

  static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
