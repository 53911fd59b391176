package jackal.runtime;

import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Loads test programs the way users' programs are loaded: compiled classes packed into a jar
 * segment, the runtime library in its own shared segment, a program space built with the boot API
 * (which verifies), and the process pointed at it with setSpaceAndPC. {@link #rawSpace} builds a
 * space by hand, as an attacker with page and GPT capabilities could, skipping the boot API's
 * verification, to show that loading verifies again.
 */
final class Programs {
  private final TestSystem s;
  private CodeSegment runtime;

  Programs(TestSystem s) {
    this.s = s;
  }

  CodeSegment runtime() {
    if (runtime == null) {
      runtime = RuntimeLibrary.segment(s.k);
    }
    return runtime;
  }

  /** A jar of {@code classes} and their nested classes. */
  static byte[] jar(Class<?>... classes) {
    return ClassFiles.jar(ClassFiles.of(classes));
  }

  /** A program space running {@code entry} from a jar of {@code classes}, over the runtime. */
  ProgramSpace space(Class<?> entry, Class<?>... classes) throws ProgramRefusedException {
    return space(entry.getName(), jar(classes.length == 0 ? new Class<?>[] {entry} : classes));
  }

  ProgramSpace space(String entry, byte[] jar) throws ProgramRefusedException {
    return s.k.newProgramSpace(entry, 1, s.k.newCodeSegment(jar), runtime());
  }

  /** A process with the test basics running {@code entry} (see {@link #space}). */
  ObjectRef process(String name, Class<?> entry, Class<?>... classes)
      throws ProgramRefusedException {
    return process(name, space(entry, classes));
  }

  ObjectRef process(String name, ProgramSpace space) {
    ObjectRef p = s.process(name, null);
    s.k.setSpaceAndPC(p, space.space(), space.pc());
    return p;
  }

  /**
   * A program space built by hand: the header for {@code entry} at {@code 1 << 32}, the program jar
   * and the runtime library jar after it, one data page at 0; nothing verified.
   */
  ProgramSpace rawSpace(String entry, byte[] programJar) {
    byte[][] jars = {programJar, RuntimeLibrary.jar()};
    long[] addresses = new long[jars.length];
    for (int i = 0; i < jars.length; i++) {
      addresses[i] = (2L + i) << 32;
    }
    return rawSpace(header(entry, addresses, jars), jars);
  }

  /** As {@link #rawSpace(String, byte[])} with any header bytes at the PC. */
  ProgramSpace rawSpace(byte[] header, byte[]... jars) {
    Kernel k = s.k;
    ObjectRef top = k.newGpt();
    k.setGpt(top, 32, false, false);
    k.setGptSlot(top, 0, map(k, new byte[8]));
    k.setGptSlot(top, 1, map(k, header));
    for (int i = 0; i < jars.length; i++) {
      k.setGptSlot(top, 2 + i, map(k, jars[i]));
    }
    return new ProgramSpace(k.guarded(k.cap(top), 0, 36), 1L << 32);
  }

  /**
   * Pages holding {@code bytes} from address 0 under one GPT level of 16 pages (at most 64 KiB) or
   * two.
   */
  static CapRef map(Kernel k, byte[] bytes) {
    int pages = Math.max(1, (bytes.length + 4095) / 4096);
    TreeMap<Integer, CapRef> pageCaps = new TreeMap<>();
    for (int i = 0; i < pages; i++) {
      ObjectRef pg = k.newPage();
      int from = i * 4096;
      if (from < bytes.length) {
        k.writePage(pg, 0, Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + 4096)));
      }
      pageCaps.put(i, k.cap(pg));
    }
    if (pages == 1) {
      return pageCaps.get(0);
    }
    ObjectRef root = k.newGpt();
    k.setGpt(root, 16, false, false); // 16 slots of 64 KiB: up to 1 MiB
    for (int hi = 0; hi * 16 < pages; hi++) {
      ObjectRef g = k.newGpt();
      k.setGpt(g, 12, false, false);
      for (int j = 0; j < 16 && hi * 16 + j < pages; j++) {
        k.setGptSlot(g, j, pageCaps.get(hi * 16 + j));
      }
      k.setGptSlot(root, hi, k.guarded(k.cap(g), 0, 16));
    }
    return k.guarded(k.cap(root), 0, 20);
  }

  /**
   * A program image header, written from its documented layout: magic "JKLPROG1", version 1,
   * segment count, entry-name length, a reserved zero word, (address, length) per segment, the
   * name.
   */
  static byte[] header(String entry, long[] addresses, byte[][] jars) {
    byte[] name = entry.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(24 + 16 * jars.length + name.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("JKLPROG1".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(jars.length);
    b.putInt(name.length).putInt(0);
    for (int i = 0; i < jars.length; i++) {
      b.putLong(addresses[i]).putLong(jars[i].length);
    }
    return b.put(name).array();
  }
}
