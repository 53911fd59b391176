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
 * A store: the directory a persistent system lives in (issue 12). It holds a header file with two
 * copies (A and B) of the store's commit point, and a log of generations, one per checkpoint, each
 * holding the objects changed since the one before as records of the image file format ({@link
 * ImageFile}), the OID counters, the run list, the processes' program states and the kernel's
 * clock. A generation is committed once it is forced to disk and a header copy naming it is forced
 * after it; recovery takes the newest header copy that checks and replays the log up to the
 * generation it names, the newest record of each object winning. The layout is in
 * docs/PERSISTENCE.md ("The store").
 */
public final class Store implements CheckpointWriter, Closeable {
  static final String HEADER = "jackal.store";
  static final String LOG_DIR = "log";
  static final byte[] HEADER_MAGIC = {(byte) 0x89, 'J', 'K', 'L', 'S', 'T', 'O', 'R'};
  static final byte[] GEN_MAGIC = {(byte) 0x89, 'J', 'K', 'L', 'G', 'E', 'N', '\n'};
  public static final int VERSION = 1;
  static final int SLOT_BYTES = 4096;
  static final int SLOT_CRC_AT = SLOT_BYTES - 4;
  static final int GEN_HEAD = 40;
  static final int MAX_LAYOUT = 64;
  static final int FLAG_FULL = 1;

  /** One header copy: the commit point. Sequence 0 is a store that holds no system yet. */
  record Header(int slot, long sequence, long segment, long end, long lastOffset, int lastCrc) {}

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
  private Header current;
  private StoreFile headerFile;
  private StoreFile segment;
  private long compactAbove = 512L << 20;

  private Store(StoreFiles files) {
    this.files = files;
  }

  /** Opens the store in {@code dir} (which may be empty or absent: a store with no system). */
  public static Store open(Path dir) throws IOException, StoreException {
    return open(new DiskFiles(dir));
  }

  /** Opens a store through {@code files}; reads and checks its header copies. */
  public static Store open(StoreFiles files) throws IOException, StoreException {
    Store s = new Store(files);
    s.readHeader();
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

  // ------------------------------------------------------------------ header

  private void readHeader() throws IOException, StoreException {
    if (!files.exists(HEADER)) {
      return;
    }
    headerFile = files.open(HEADER);
    long size = headerFile.size();
    Header[] got = new Header[2];
    String[] why = new String[2];
    for (int slot = 0; slot < 2; slot++) {
      ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
      if (size >= (long) (slot + 1) * SLOT_BYTES) {
        readFully(headerFile, b, (long) slot * SLOT_BYTES);
      }
      b.flip();
      byte[] bytes = new byte[SLOT_BYTES];
      b.get(0, bytes, 0, Math.min(b.limit(), SLOT_BYTES));
      try {
        got[slot] = parseSlot(bytes, slot);
      } catch (Invalid e) {
        why[slot] = e.getMessage();
      }
    }
    int newest = -1;
    for (int slot = 0; slot < 2; slot++) {
      if (got[slot] != null && (newest < 0 || got[slot].sequence() > got[newest].sequence())) {
        newest = slot;
      }
    }
    if (newest < 0) {
      throw new StoreException(
          HEADER, 0, 0, "neither header copy is valid (A: " + why[0] + "; B: " + why[1] + ")");
    }
    current = got[newest];
    if (got[1 - newest] == null && !"never written".equals(why[1 - newest])) {
      headerNote =
          "header copy "
              + (newest == 0 ? "B" : "A")
              + " is damaged or was torn ("
              + why[1 - newest]
              + "); copy "
              + (newest == 0 ? "A" : "B")
              + " names the commit";
    }
  }

  /** What reading the header copies passed over, or null. */
  private String headerNote;

  /** Thrown by {@link #parseSlot} for a copy that is absent or torn (not corrupt by itself). */
  private static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String m) {
      super(m, null, false, false);
    }
  }

  private static Header parseSlot(byte[] bytes, int slot) throws Invalid, StoreException {
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
    if (!Arrays.equals(bytes, 0, 8, HEADER_MAGIC, 0, 8)) {
      throw new Invalid("not a Jackal store header (wrong magic)");
    }
    int version = b.getShort(8) & 0xFFFF;
    if (version != VERSION) {
      throw new StoreException(
          HEADER,
          0,
          (long) slot * SLOT_BYTES + 8,
          "format version " + version + "; this Jackal reads version " + VERSION);
    }
    int at = b.getShort(10) & 0xFFFF;
    if (at != slot) {
      throw new Invalid("holds copy " + at + " in the place of copy " + slot);
    }
    return new Header(
        slot, b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40), b.getInt(48));
  }

  private void writeSlot(Header h) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
    b.put(HEADER_MAGIC).putShort((short) VERSION).putShort((short) h.slot()).putInt(0);
    b.putLong(h.sequence()).putLong(h.segment()).putLong(h.end()).putLong(h.lastOffset());
    b.putInt(h.lastCrc());
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, SLOT_CRC_AT);
    b.putInt(SLOT_CRC_AT, (int) crc.getValue());
    b.clear();
    headerFile.write(b, (long) h.slot() * SLOT_BYTES);
    headerFile.force();
  }

  static String segmentName(long n) {
    return String.format("%s/segment-%06d.jkl", LOG_DIR, n);
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes {@code snapshot} as the next generation and commits it: the generation is appended and
   * forced, then the other header copy names it and is forced. Throws, leaving the previous commit
   * as the store's, if any write or force fails. The first generation of a store must hold every
   * object.
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
    KernelImage image = snapshot.image();
    try {
      append(image, snapshot.clock(), snapshot.programs(), snapshot.full());
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
   * header read from the disk (as PostgreSQL stops after a failed fsync).
   */
  private String failure;

  private void create() throws IOException {
    headerFile = files.open(HEADER);
    Header empty = new Header(0, 0, 1, 0, 0, 0);
    segment = files.open(segmentName(1));
    segment.truncate(0);
    segment.force();
    writeSlot(empty);
    files.syncDirectories();
    current = empty;
  }

  private void append(KernelImage image, long clock, List<ProgramState> programs, boolean full)
      throws IOException {
    if (current == null) {
      create();
    }
    if (segment == null) {
      segment = files.open(segmentName(current.segment()));
    }
    long seq = current.sequence() + 1;
    byte[] frame = frame(seq, image, clock, programs, full);
    long at = current.end();
    segment.write(ByteBuffer.wrap(frame), at);
    segment.force();
    int crc = ByteBuffer.wrap(frame).getInt(32);
    Header next = new Header((int) (seq % 2), seq, current.segment(), at + frame.length, at, crc);
    writeSlot(next);
    current = next;
  }

  /** A generation's bytes: its 40-byte head, then the program states, then the image. */
  static byte[] frame(
      long seq, KernelImage image, long clock, List<ProgramState> programs, boolean full) {
    byte[] extras = extras(clock, programs);
    byte[] img = ImageFile.encode(image);
    ByteBuffer body = ByteBuffer.allocate(4 + extras.length + img.length);
    body.putInt(extras.length).put(extras).put(img);
    CRC32C bodyCrc = new CRC32C();
    bodyCrc.update(body.array());
    ByteBuffer f = ByteBuffer.allocate(GEN_HEAD + body.capacity());
    f.put(GEN_MAGIC).putShort((short) VERSION).putShort((short) (full ? FLAG_FULL : 0)).putInt(0);
    f.putLong(seq).putLong(body.capacity()).putInt((int) bodyCrc.getValue());
    CRC32C headCrc = new CRC32C();
    headCrc.update(f.array(), 0, 36);
    f.putInt((int) headCrc.getValue());
    f.put(body.array());
    return f.array();
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
   * Rewrites the log as one generation holding every object's newest record, in a new segment, then
   * names it in the header and deletes the old segment. A crash at any moment leaves the header
   * naming either the old log or the new one, both complete.
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
    long newSegment = current.segment() + 1;
    long seq = current.sequence() + 1;
    byte[] frame = frame(seq, r.image(), r.clock(), r.programs(), true);
    StoreFile out = files.open(segmentName(newSegment));
    try {
      out.truncate(0);
      out.write(ByteBuffer.wrap(frame), 0);
      out.force();
      files.syncDirectories();
    } catch (IOException e) {
      out.close();
      throw e;
    }
    Header next =
        new Header(
            (int) (seq % 2), seq, newSegment, frame.length, 0, ByteBuffer.wrap(frame).getInt(32));
    writeSlot(next);
    String old = segmentName(current.segment());
    current = next;
    if (segment != null) {
      segment.close();
    }
    segment = out;
    files.delete(old);
    files.syncDirectories();
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads and checks the committed log and returns the system it holds. Refused with a message
   * naming the file, generation and offset if anything committed does not check (a header copy
   * names only generations that were forced before it, so a committed generation that does not
   * check is damage, never a crash); an uncommitted tail (a checkpoint the crash interrupted) and a
   * torn header copy are passed over, and said so in {@link Recovered#note}.
   */
  public synchronized Recovered recover() throws IOException, StoreException {
    if (!holdsSystem()) {
      throw new StoreException(files.where(), 0, -1, "the store holds no system");
    }
    return replay(current, headerNote);
  }

  private Recovered replay(Header h, String note) throws IOException, StoreException {
    String name = segmentName(h.segment());
    if (!files.exists(name)) {
      throw new StoreException(
          HEADER,
          h.sequence(),
          (long) h.slot() * SLOT_BYTES,
          "names " + name + ", which is missing");
    }
    StoreFile seg =
        segment != null && h.segment() == current.segment() ? segment : files.open(name);
    try {
      long size = seg.size();
      if (size < h.end()) {
        throw new StoreException(
            name,
            h.sequence(),
            size,
            "the segment is "
                + size
                + " bytes, but the header says its first "
                + h.end()
                + " are committed");
      }
      List<TreeMap<Long, ObjectState>> objects = new ArrayList<>();
      for (int t = 0; t < 5; t++) {
        objects.add(new TreeMap<>());
      }
      List<Generation> gens = new ArrayList<>();
      KernelImage last = null;
      long clock = 0;
      List<ProgramState> programs = List.of();
      long pos = 0;
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
          throw new StoreException(
              name, 0, pos + 36, "a generation head's checksum does not match");
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
        byte[] img = Arrays.copyOfRange(body.array(), 4 + extrasLen, (int) len);
        long imgAt = pos + GEN_HEAD + 4 + extrasLen;
        KernelImage image;
        try {
          image = ImageFile.decode(img, name).image();
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
        gens.add(
            new Generation(gen, name, pos, GEN_HEAD + len, full, image.objects().size(), clock));
        if (pos == h.lastOffset() && stored != h.lastCrc()) {
          throw new StoreException(
              name, gen, pos, "the header names a generation here with another checksum");
        }
        pos += GEN_HEAD + len;
        expect = gen + 1;
      }
      if (last == null || expect - 1 != h.sequence()) {
        throw new StoreException(
            name,
            h.sequence(),
            pos,
            "the log ends at generation " + (expect - 1) + ", the header names " + h.sequence());
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
    } finally {
      if (seg != segment) {
        seg.close();
      }
    }
  }

  private static void readFully(StoreFile f, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      int n = f.read(b, pos);
      if (n < 0) {
        break;
      }
      pos += n;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (segment != null) {
      segment.close();
      segment = null;
    }
    if (headerFile != null) {
      headerFile.close();
      headerFile = null;
    }
  }

  static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
