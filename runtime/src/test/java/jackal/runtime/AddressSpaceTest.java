package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.idl.coyotos.AddressSpaceClient;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idl.coyotos.MemoryClient;
import jackal.runtime.idl.coyotos.ProcessClient;
import jackal.runtime.idl.coyotos.RangeClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Address-space translation, restrictions and faults, seen by real processes. */
class AddressSpaceTest {

  /**
   * The space used by most tests (addresses in hex):
   *
   * <pre>
   * root cap: guard l2g=20, match 0         -> addresses 0..fffff
   * G0: l2v=16 (16 slots of 64 KiB)
   *   slot 1: G1 (l2v=12, slots of 4 KiB); G1 slot 2 = page P2      -> 12000..12fff
   *   slot 2: page P3 with guard l2g=12, match 3                      -> 23000..23fff
   *   slot 3: page P1                                                 -> 30000..30fff
   *   slot 5: LocalWindow(root slot 1, offset 2000)                   -> 50000..50fff = P2
   *   slot 6: G2 (bg=1, l2v=12): slot 0 background Window, slot 1 P5,
   *           slot 14 the background space P4                         -> 60000 = P4, 61000 = P5
   *   slot 7: P1 read-only                                            -> 70000..70fff
   *   slot 8: P1 weak                                                 -> 80000..80fff
   * </pre>
   */
  static final class Space {
    final ObjectRef g0;
    final ObjectRef g1;
    final ObjectRef p1;
    final ObjectRef p2;
    final ObjectRef p3;
    final ObjectRef p4;
    final ObjectRef p5;
    final CapRef root;

    Space(Kernel k) {
      g0 = k.newGpt();
      g1 = k.newGpt();
      ObjectRef g2 = k.newGpt();
      p1 = page(k, 0x11);
      p2 = page(k, 0x22);
      p3 = page(k, 0x33);
      p4 = page(k, 0x44);
      p5 = page(k, 0x55);
      k.setGpt(g0, 16, false, false);
      k.setGpt(g1, 12, false, false);
      k.setGptSlot(g1, 2, k.cap(p2));
      k.setGptSlot(g0, 1, k.guarded(k.cap(g1), 0, 16));
      k.setGptSlot(g0, 2, k.guarded(k.cap(p3), 3, 12));
      k.setGptSlot(g0, 3, k.cap(p1));
      k.setGptSlot(g0, 5, k.localWindow(1, 0x2000, 0, 16));
      k.setGpt(g2, 12, false, true);
      k.setGptSlot(g2, 0, k.window(0, 0, 12));
      k.setGptSlot(g2, 1, k.cap(p5));
      k.setGptSlot(g2, 14, k.cap(p4));
      k.setGptSlot(g0, 6, k.guarded(k.cap(g2), 0, 16));
      k.setGptSlot(g0, 7, k.restricted(k.cap(p1), Restr.READ_ONLY));
      k.setGptSlot(g0, 8, k.restricted(k.cap(p1), Restr.WEAK));
      root = k.guarded(k.cap(g0), 0, 20);
    }

    /** A page whose byte i is {@code tag + i} (mod 256). */
    private static ObjectRef page(Kernel k, int tag) {
      ObjectRef p = k.newPage();
      byte[] b = new byte[4096];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (tag + i);
      }
      k.writePage(p, 0, b);
      return p;
    }
  }

  /** Records every fault upcall: payload (which prober), opcode kind, fault code, info. */
  static ObjectRef recorder(TestSystem s, List<String> faults) {
    return s.process(
        "recorder",
        sys -> {
          Ipc ipc = new Ipc(sys);
          ipc.receive();
          for (; ; ) {
            String kind =
                ipc.opcode() == Codes.OC_MEMORY_HANDLER_HANDLE
                    ? "memory"
                    : ipc.opcode() == Codes.OC_PROCESS_HANDLER_HANDLE ? "process" : "other";
            faults.add(
                ipc.payload()
                    + " "
                    + kind
                    + " fc="
                    + ipc.w[2]
                    + " at="
                    + Long.toHexString(ipc.w[3]));
            ipc.receive();
          }
        });
  }

  /** A process running {@code body} in {@code space}, whose faults go to {@code recorderEp}. */
  static ObjectRef prober(
      TestSystem s, int id, CapRef space, ObjectRef recorderEp, ProgramEntry body) {
    ObjectRef p = s.process("prober" + id, body);
    s.k.setAddressSpace(p, space);
    s.k.setHandler(p, s.k.entry(recorderEp, id));
    return p;
  }

  @Test
  void translationOfGuardedWindowedAndBackgroundSpacesMatchesHandComputedAddresses()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Space sp = new Space(s.k);
      Map<String, Integer> seen = new ConcurrentHashMap<>();
      long[] addrs = {
        0x30000, 0x30abc, 0x12000, 0x12fff, 0x23010, 0x50000, 0x50123, 0x60042, 0x61007, 0x70005,
        0x80005
      };
      ObjectRef p =
          s.process(
              "reader",
              sys -> {
                for (long a : addrs) {
                  seen.put(Long.toHexString(a), sys.loadByte(a) & 0xFF);
                }
                sys.storeByte(0x50010, (byte) 0x7E); // through the local window, into P2
              });
      s.k.setAddressSpace(p, sp.root);
      s.runUntilQuiet(p);
      assertThat(s.info(p).exited()).as("no access faulted: %s", s.info(p)).isTrue();
      assertThat(seen)
          .containsEntry("30000", 0x11)
          .containsEntry("30abc", (0x11 + 0xabc) & 0xFF)
          .containsEntry("12000", 0x22)
          .containsEntry("12fff", (0x22 + 0xfff) & 0xFF)
          .containsEntry("23010", 0x33 + 0x10)
          .containsEntry("50000", 0x22)
          .containsEntry("50123", (0x22 + 0x123) & 0xFF)
          .containsEntry("60042", 0x44 + 0x42)
          .containsEntry("61007", 0x55 + 7)
          .containsEntry("70005", 0x11 + 5)
          .containsEntry("80005", 0x11 + 5);
      assertThat(s.k.readPage(sp.p2, 0x10, 1)[0]).isEqualTo((byte) 0x7E);
    }
  }

  @Test
  void everyBadAddressAndRestrictionFaultsWithTheRightCode() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Space sp = new Space(s.k);
      List<String> faults = new CopyOnWriteArrayList<>();
      ObjectRef rec = recorder(s, faults);
      ObjectRef recEp = s.endpoint(rec, 9);
      long[][] cases = {
        // {address, 1 = store}
        {0x40000, 0}, // slot 4 is Null
        {0x20000, 0}, // guard mismatch (match 3 expected)
        {0x68000, 0}, // slot 8 of a bg GPT is beyond its 8 addressable slots
        {0x100000, 0}, // above the root guard
        {0x70000, 1}, // store through read-only
        {0x80000, 1}, // store through weak
      };
      ObjectRef[] probers = new ObjectRef[cases.length];
      for (int i = 0; i < cases.length; i++) {
        long a = cases[i][0];
        boolean store = cases[i][1] == 1;
        probers[i] =
            prober(
                s,
                i,
                sp.root,
                recEp,
                sys -> {
                  if (store) {
                    sys.storeByte(a, (byte) 1);
                  } else {
                    sys.loadByte(a);
                  }
                });
      }
      ObjectRef[] all = new ObjectRef[cases.length + 1];
      all[0] = rec;
      System.arraycopy(probers, 0, all, 1, cases.length);
      s.runUntilQuiet(all);
      assertThat(faults)
          .containsExactlyInAnyOrder(
              "0 process fc=4 at=40000",
              "1 process fc=4 at=20000",
              "2 process fc=4 at=68000",
              "3 process fc=4 at=100000",
              "4 process fc=7 at=70000",
              "5 process fc=7 at=80000");
      for (ObjectRef p : probers) {
        assertThat(s.info(p).runState()).isEqualTo(ProcessInfo.FAULTED);
      }
    }
  }

  @Test
  void cyclicSpaceEndsInMalformedSpaceRatherThanAHang() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> faults = new CopyOnWriteArrayList<>();
      ObjectRef rec = recorder(s, faults);
      ObjectRef g = s.k.newGpt();
      s.k.setGpt(g, 12, false, false);
      s.k.setGptSlot(g, 0, s.k.guarded(s.k.cap(g), 0, 16)); // slot 0 is the GPT itself
      ObjectRef p =
          prober(
              s, 1, s.k.guarded(s.k.cap(g), 0, 16), s.endpoint(rec, 1), sys -> sys.loadByte(0x10));
      s.runUntilQuiet(rec, p);
      assertThat(faults).containsExactly("1 process fc=13 at=10");
    }
  }

  @Test
  void memoryHandlerGetsTheFaultRelativeToItsGptRepairsTheSpaceAndResumes() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> log = new CopyOnWriteArrayList<>();
      ObjectRef spare = s.k.newPage();
      ObjectRef handler =
          s.process(
              "pager",
              sys -> {
                Ipc ipc = new Ipc(sys);
                AddressSpaceClient spaceClient = new AddressSpaceClient(new Ipc(sys));
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                ipc.receive();
                log.add(
                    "handler pp="
                        + ipc.payload()
                        + " op="
                        + (ipc.opcode() == Codes.OC_MEMORY_HANDLER_HANDLE)
                        + " fc="
                        + ipc.w[2]
                        + " at="
                        + Long.toHexString(ipc.w[3])
                        + " caps="
                        + ipc.capsReceived());
                // ARG0: a RESTART process capability; ARG1: the GPT. Map the spare page where
                // the fault was, then resume.
                int slot = (int) (ipc.w[3] >>> 12);
                spaceClient.setSlot(reg(CapReg.ARG1), slot, reg(8));
                try {
                  processClient.setCapReg(
                      reg(CapReg.ARG0), 9, reg(8)); // RESTART allows only resume
                } catch (KernelException e) {
                  log.add("restart cap: " + e.getMessage());
                }
                processClient.resume(reg(CapReg.ARG0), true);
                ipc.receive();
              });
      s.give(handler, 8, s.k.cap(spare));
      ObjectRef handlerEp = s.endpoint(handler, 0);
      // The faulting space: an outer GPT whose slot 2 holds an inner GPT with a handler.
      ObjectRef outer = s.k.newGpt();
      ObjectRef inner = s.k.newGpt();
      s.k.setGpt(outer, 16, false, false);
      s.k.setGpt(inner, 12, true, false);
      s.k.setGptSlot(inner, 15, s.k.entry(handlerEp, 1));
      s.k.setGptSlot(outer, 2, s.k.guarded(s.k.cap(inner), 0, 16));
      ObjectRef child =
          s.process(
              "child",
              sys -> {
                sys.storeLong(0x23008, 0x1122334455667788L);
                log.add("child read " + Long.toHexString(sys.loadLong(0x23008)));
              });
      s.k.setAddressSpace(child, s.k.guarded(s.k.cap(outer), 0, 20));
      s.runUntilQuiet(handler, child);
      assertThat(log)
          .containsExactly(
              "handler pp=1 op=true fc=4 at=3008 caps=3",
              "restart cap: coyotos.Cap.NoAccess",
              "child read 1122334455667788");
      assertThat(s.info(child).exited()).isTrue();
      assertThat(s.k.readPage(spare, 8, 1)[0]).isEqualTo((byte) 0x88);
    }
  }

  @Test
  void staleTranslationIsNeverUsedAfterASlotOrSpaceChange() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> log = new CopyOnWriteArrayList<>();
      ObjectRef g = s.k.newGpt();
      s.k.setGpt(g, 12, false, false);
      ObjectRef a = s.k.newPage();
      ObjectRef b = s.k.newPage();
      ObjectRef c = s.k.newPage();
      s.k.writePage(a, 0, new byte[] {1});
      s.k.writePage(b, 0, new byte[] {2});
      s.k.writePage(c, 0, new byte[] {3});
      s.k.setGptSlot(g, 0, s.k.cap(a));
      ObjectRef changer =
          s.process(
              "changer",
              sys -> {
                Ipc ipc = new Ipc(sys);
                AddressSpaceClient spaceClient = new AddressSpaceClient(new Ipc(sys));
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                ipc.receive(); // the reader has a warm translation of page a
                spaceClient.setSlot(reg(8), 0, reg(9)); // slot 0 := page b
                ipc.replyAndReceive(0, -1);
                processClient.setSlot(
                    reg(11), Codes.SLOT_ADDR_SPACE, reg(10)); // reader's space := page c
                ipc.replyAndReceive(0, -1);
              });
      s.give(changer, 8, s.k.cap(g));
      s.give(changer, 9, s.k.cap(b));
      s.give(changer, 10, s.k.cap(c));
      ObjectRef reader =
          s.process(
              "reader",
              sys -> {
                Ipc ipc = new Ipc(sys);
                log.add("a=" + sys.loadByte(0));
                ipc.w[1] = 1;
                ipc.callOrThrow(reg(8), 1, 0, -1);
                log.add("b=" + sys.loadByte(0));
                ipc.callOrThrow(reg(8), 1, 0, -1);
                log.add("c=" + sys.loadByte(0));
              });
      s.give(changer, 11, s.k.cap(reader));
      s.give(reader, 8, s.k.entry(s.endpoint(changer, 1), 0));
      s.k.setAddressSpace(reader, s.k.guarded(s.k.cap(g), 0, 16));
      s.runUntilQuiet(changer, reader);
      assertThat(log).containsExactly("a=1", "b=2", "c=3");
    }
  }

  @Test
  void rescindingAWrappingGptRevokesSharedSpaceAtOnceButNotForItsOwner() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> log = new CopyOnWriteArrayList<>();
      List<String> faults = new CopyOnWriteArrayList<>();
      ObjectRef rec = recorder(s, faults);
      // The owner's space: a GPT with a data page.
      ObjectRef space = s.k.newGpt();
      s.k.setGpt(space, 12, false, false);
      ObjectRef data = s.k.newPage();
      s.k.writePage(data, 0, new byte[] {42});
      s.k.setGptSlot(space, 0, s.k.cap(data));
      CapRef spaceCap = s.k.guarded(s.k.cap(space), 0, 16);
      // The wrapper shared with the friend: a GPT whose slot 0 holds the owner's space.
      ObjectRef wrapper = s.k.newGpt();
      s.k.setGpt(wrapper, 16, false, false);
      s.k.setGptSlot(wrapper, 0, spaceCap);
      ObjectRef owner =
          s.process(
              "owner",
              sys -> {
                Ipc ipc = new Ipc(sys);
                RangeClient rangeClient = new RangeClient(new Ipc(sys));
                ipc.receive(); // the friend has read through the wrapper
                rangeClient.rescind(reg(TestSystem.RANGE), reg(8));
                log.add("owner still reads " + sys.loadByte(0));
                ipc.replyAndReceive(0, -1);
              });
      s.give(owner, 8, s.k.cap(wrapper));
      s.k.setAddressSpace(owner, spaceCap);
      ObjectRef friend =
          prober(
              s,
              7,
              s.k.guarded(s.k.cap(wrapper), 0, 20),
              s.endpoint(rec, 0),
              sys -> {
                Ipc ipc = new Ipc(sys);
                log.add("friend reads " + sys.loadByte(0));
                ipc.w[1] = 1;
                ipc.callOrThrow(reg(8), 1, 0, -1);
                log.add("friend reads again " + sys.loadByte(0)); // must fault instead
              });
      s.give(friend, 8, s.k.entry(s.endpoint(owner, 1), 0));
      s.runUntilQuiet(rec, owner, friend);
      assertThat(log).containsExactly("friend reads 42", "owner still reads 42");
      assertThat(faults).containsExactly("7 process fc=4 at=0");
    }
  }

  @Test
  void capabilityFetchedThroughWeakPathComesBackWeakenedAndOpaqueDeniesSlots() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out = new CopyOnWriteArrayList<>();
      ObjectRef g = s.k.newGpt();
      s.k.setGpt(g, 12, false, false);
      ObjectRef cp = s.k.newCapPage();
      ObjectRef inner = s.k.newGpt();
      s.k.setCapPageSlot(cp, 0, s.k.cap(s.k.newEndpoint()));
      s.k.setCapPageSlot(cp, 1, s.k.cap(inner));
      s.k.setCapPageSlot(cp, 2, s.k.kernelCap(jackal.kernel.boot.KernelService.DISCRIM));
      s.k.setGptSlot(g, 0, s.k.restricted(s.k.cap(cp), Restr.WEAK));
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                Ipc ipc = new Ipc(sys);
                Ipc kIpc = new Ipc(sys);
                DiscrimClient discrimClient = new DiscrimClient(kIpc);
                CapClient capClient = new CapClient(kIpc);
                Ipc memIpc = new Ipc(sys);
                MemoryClient memoryClient = new MemoryClient(memIpc);
                AddressSpaceClient spaceClient = new AddressSpaceClient(memIpc);
                // CopyCap from memory locations through the weak path.
                ipc.copyCap(0x01L, reg(10)); // slot 0: Endpoint -> Null
                ipc.copyCap(0x11L, reg(11)); // slot 1: GPT -> RO|WK
                ipc.copyCap(0x21L, reg(12)); // slot 2: Discrim -> unchanged
                out.add("endpoint " + discrimClient.classify(reg(TestSystem.DISCRIM), reg(10)));
                out.add("gpt restr " + memoryClient.getRestrictions(reg(11)));
                out.add("discrim " + Long.toHexString(capClient.getType(reg(12))));
                try {
                  spaceClient.setSlot(reg(11), 0, reg(12));
                } catch (KernelException e) {
                  out.add("write through weak " + e.getMessage());
                }
                memoryClient.reduce(reg(13), Restr.OPAQUE, reg(14));
                try {
                  spaceClient.getSlot(reg(14), 0, reg(15));
                } catch (KernelException e) {
                  out.add("opaque " + (e.code() == Codes.RC_AS_OPAQUE_SPACE));
                }
              });
      s.give(p, 13, s.k.cap(inner));
      s.k.setAddressSpace(p, s.k.guarded(s.k.cap(g), 0, 16));
      s.runUntilQuiet(p);
      assertThat(out)
          .containsExactly(
              "endpoint " + Codes.CL_NULL,
              "gpt restr " + (Restr.READ_ONLY | Restr.WEAK),
              "discrim " + Long.toHexString(Codes.IKT_DISCRIM),
              "write through weak coyotos.Cap.NoAccess",
              "opaque true");
    }
  }
}
