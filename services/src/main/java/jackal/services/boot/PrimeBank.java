package jackal.services.boot;

import jackal.kernel.api.Restr;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.boot.ClassFiles;
import jackal.services.bank.SpaceBankProgram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds the prime bank into an image: the bank process, loaded as a program from pages (its own
 * classes and the generated stubs it uses, over the shared runtime library), holding the Range
 * capability and the prime bank's endpoint. {@link #entry()} is the prime bank capability that
 * images put in each process's SPACEBANK register.
 *
 * <p>The bank's space is its program space with two more regions: at {@link
 * SpaceBankProgram#MANIFEST}, the bank tree and the owned objects an image made before boot (see
 * {@link #preload}), read once when the bank starts (without a preload the region says there are
 * none); at {@link SpaceBankProgram#LIVE}, an empty GPT (its capability in the bank's {@link
 * SpaceBankProgram#LIVE_ROOT} register) where the bank maps the pages it writes the tree into as it
 * changes, for the kernel's view to read ({@link BankTree}).
 *
 * @param process the bank process (start it with the image's other processes)
 * @param endpoint the prime bank's endpoint
 * @param outer the GPT whose slot 0 is the bank's program space, slot 1 the manifest and slot 2 the
 *     live tree
 */
public record PrimeBank(Kernel kernel, ObjectRef process, ObjectRef endpoint, ObjectRef outer) {
  private static final String BANK = "jackal/services/bank/";
  private static final String STUBS = "jackal/services/idl/coyotos/";

  private static volatile byte[] jar;

  /** The bank's program jar (built once per JVM from the services' own class files). */
  public static byte[] jar() {
    byte[] j = jar;
    if (j == null) {
      Map<String, byte[]> classes =
          ClassFiles.select(SpaceBankProgram.class, n -> n.startsWith(BANK) || n.startsWith(STUBS));
      j = ClassFiles.jar(classes);
      jar = j;
    }
    return j;
  }

  /**
   * Builds the bank process over {@code runtime} (the runtime library segment) in {@code k}; it
   * runs once {@code k.start(process())} and the kernel boots.
   */
  public static PrimeBank build(Kernel k, CodeSegment runtime) {
    ServiceNames.register();
    ObjectRef p = k.newProcess("spacebank");
    ProgramSpace ps;
    try {
      ps = k.newProgramSpace(SpaceBankProgram.class.getName(), 1, k.newCodeSegment(jar()), runtime);
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException("the space bank is refused: " + e.getMessage(), e);
    }
    // A program space spans 2^36 bytes; the manifest is the next 2^36.
    ObjectRef outer = k.newGpt();
    k.setGpt(outer, MANIFEST_L2, false, false);
    k.setGptSlot(outer, 0, ps.space());
    k.setSpaceAndPC(p, k.guarded(k.cap(outer), 0, MANIFEST_L2 + 4), ps.pc());
    PrimeBank bank = new PrimeBank(k, p, null, outer);
    bank.mapManifest(new long[] {0});
    // The live tree's region: an empty root of 16 slots of 2^16 bytes, which the bank fills.
    ObjectRef live = k.newGpt();
    k.setGpt(live, LIVE_SLOT_L2, false, false);
    k.setGptSlot(outer, 2, k.guarded(k.cap(live), 0, LIVE_SLOT_L2 + 4));
    k.setCapReg(p, SpaceBankProgram.LIVE_ROOT, k.cap(live));
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    k.setCapReg(p, SpaceBankProgram.RANGE, k.kernelCap(KernelService.RANGE));
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, p);
    // Every bank's endpoint ID is its endpoint's OID + 1, so no bank has ID 0 (a reply endpoint's).
    k.setEndpointId(ep, ep.oid() + 1);
    k.setCapReg(p, SpaceBankProgram.PRIME_ENDPOINT, k.cap(ep));
    return new PrimeBank(k, p, ep, outer);
  }

  /** log2 of the bank's program space and of its manifest region. */
  private static final int MANIFEST_L2 = 36;

  /** log2 of what each slot of the live tree's root spans: 16 pages. */
  private static final int LIVE_SLOT_L2 = 16;

  /** The most pages a manifest takes: two levels of 16-slot GPTs. */
  private static final int MAX_MANIFEST_PAGES = 256;

  private static final int PAGE = 4096;

  /** Limits per bank: one per Range object type. */
  private static final int LIMITS = 5;

  /**
   * Tells the bank, before boot, about banks and objects an image made: each sub-bank is an
   * endpoint of this bank's process (ID its OID + 1) under a parent (0: the prime bank, {@code i}:
   * the i-th sub-bank listed); each object is owned by a bank (same numbering) and charged to it.
   * The bank reads this once when it starts, so call it before the kernel boots.
   *
   * @param banks per sub-bank, in an order where a parent comes before its children: {endpoint OID,
   *     parent number}
   * @param objects per object: {Range object type, OID, owning bank number}
   */
  public void preload(List<long[]> banks, List<long[]> objects) {
    List<Long> words = new ArrayList<>();
    words.add(SpaceBankProgram.MANIFEST_MAGIC);
    words.add((long) banks.size());
    words.add((long) objects.size());
    for (int i = 0; i < banks.size(); i++) {
      long[] b = banks.get(i);
      if (b[1] < 0 || b[1] > i) {
        throw new IllegalArgumentException("a sub-bank's parent must be listed before it");
      }
      words.add(b[0]);
      words.add(b[1]);
      for (int t = 0; t < LIMITS; t++) {
        words.add(b.length > 2 + t ? b[2 + t] : -1L);
      }
    }
    for (long[] o : objects) {
      if (o[2] < 0 || o[2] > banks.size()) {
        throw new IllegalArgumentException("no bank number " + o[2]);
      }
      words.add(o[0]);
      words.add(o[1]);
      words.add(o[2]);
    }
    long[] w = new long[words.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = words.get(i);
    }
    mapManifest(w);
  }

  /** Writes {@code words} (little-endian) into fresh read-only pages in the manifest slot. */
  private void mapManifest(long[] words) {
    int pages = Math.max(1, (words.length * 8 + PAGE - 1) / PAGE);
    if (pages > MAX_MANIFEST_PAGES) {
      throw new IllegalArgumentException(
          "the image's bank manifest needs "
              + pages
              + " pages, more than "
              + MAX_MANIFEST_PAGES
              + " (too many objects owned by banks)");
    }
    ByteBuffer bytes = ByteBuffer.allocate(pages * PAGE).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : words) {
      bytes.putLong(x);
    }
    List<CapRef> level = new ArrayList<>();
    for (int i = 0; i < pages; i++) {
      ObjectRef pg = kernel.newPage();
      kernel.writePage(pg, 0, Arrays.copyOfRange(bytes.array(), i * PAGE, (i + 1) * PAGE));
      level.add(kernel.cap(pg));
    }
    int l2 = 12;
    while (level.size() > 1) {
      List<CapRef> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 16) {
        ObjectRef g = kernel.newGpt();
        kernel.setGpt(g, l2, false, false);
        for (int j = 0; j < 16 && i + j < level.size(); j++) {
          kernel.setGptSlot(g, j, level.get(i + j));
        }
        up.add(kernel.guarded(kernel.cap(g), 0, l2 + 4));
      }
      level = up;
      l2 += 4;
    }
    kernel.setGptSlot(outer, 1, kernel.restricted(level.getFirst(), Restr.READ_ONLY));
  }

  /** The prime bank capability with no restrictions: what SPACEBANK (register 3) holds. */
  public CapRef entry() {
    return kernel.entry(endpoint, 0);
  }

  /** The prime bank capability with restrictions {@code restrictions} (SpaceBank.restrictions). */
  public CapRef entry(int restrictions) {
    return kernel.entry(endpoint, restrictions);
  }

  /** Puts the prime bank capability in {@code process}'s SPACEBANK register. */
  public void give(ObjectRef process) {
    kernel.setCapReg(process, CapReg.SPACEBANK, entry());
  }
}
