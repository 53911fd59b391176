package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.AddressSpaceClient;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idl.coyotos.GPTClient;
import jackal.runtime.idl.coyotos.MemoryClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The AddressSpace and GPT methods where Coyotos 2007 and Jackal were compared (issue 7): the
 * behaviours Jackal now matches, and the refusals it keeps (docs/DEVIATIONS.md, "Kernel interfaces:
 * Jackal stricter or different"), each tried the way a program would.
 */
class AddressSpaceParityTest {

  /** The generated clients a body calls, over one parameter block of the process. */
  static final class Clients {
    final AddressSpaceClient space;
    final MemoryClient memory;
    final GPTClient gpt;
    final DiscrimClient discrim;
    final CapClient cap;

    Clients(Ipc ipc) {
      space = new AddressSpaceClient(ipc);
      memory = new MemoryClient(ipc);
      gpt = new GPTClient(ipc);
      discrim = new DiscrimClient(ipc);
      cap = new CapClient(ipc);
    }
  }

  /** A program body calling the memory interfaces; what it records is the test's evidence. */
  interface Body {
    void run(Clients c, List<String> out) throws KernelException;
  }

  /** One call that may be refused. */
  interface Call {
    void run() throws KernelException;
  }

  /**
   * Runs {@code body} in a process holding {@code caps} in registers 8, 9, ... and returns what it
   * recorded; a KernelException escaping the body is recorded too.
   */
  private static List<String> run(TestSystem s, Body body, CapRef... caps) throws Exception {
    List<String> out = new CopyOnWriteArrayList<>();
    ObjectRef p =
        s.process(
            "p",
            sys -> {
              Clients c = new Clients(new Ipc(sys));
              try {
                body.run(c, out);
              } catch (KernelException e) {
                out.add("threw " + name(e));
              }
            });
    for (int i = 0; i < caps.length; i++) {
      s.give(p, 8 + i, caps[i]);
    }
    s.runUntilQuiet(p);
    assertThat(s.info(p).exited()).as("%s", s.info(p)).isTrue();
    return out;
  }

  /** Records "label ok", or "label" and the exception's name. */
  private static void attempt(List<String> out, String label, Call call) {
    try {
      call.run();
      out.add(label + " ok");
    } catch (KernelException e) {
      out.add(label + " " + name(e));
    }
  }

  private static String name(KernelException e) {
    long c = e.code();
    if (c == Codes.RC_AS_OPAQUE_SPACE) {
      return "OpaqueSpace";
    } else if (c == Codes.RC_AS_NO_SUCH_SLOT) {
      return "NoSuchSlot";
    } else if (c == Codes.RC_AS_CAP_ACCESS_TYPE_ERROR) {
      return "CapAccessTypeError";
    }
    return e.getMessage();
  }

  private static boolean same(Clients c, long a, long b) throws KernelException {
    return c.discrim.compare(reg(TestSystem.DISCRIM), a, b);
  }

  /** A GPT with l2v {@code l2v}. */
  private static ObjectRef gpt(TestSystem s, int l2v) {
    ObjectRef g = s.k.newGpt();
    s.k.setGpt(g, l2v, false, false);
    return g;
  }

  // ------------------------------------------------------------------ extendedFetch / Store

  @Test
  void extendedFetchOnAPageOrCapPageAnswersTheInvokedCapabilityWithZeroL2slotAndPerms()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      CapRef page = s.k.restricted(s.k.cap(s.k.newPage()), Restr.READ_ONLY);
      CapRef capPage = s.k.guarded(s.k.cap(s.k.newCapPage()), 2, 12);
      List<String> out =
          run(
              s,
              (c, o) -> {
                var ef = c.space.extendedFetch(reg(8), 0x10000, 16, reg(12));
                o.add(
                    "page "
                        + ef.l2slot()
                        + " "
                        + ef.perms()
                        + " itself "
                        + same(c, reg(12), reg(8)));
                ef = c.space.extendedFetch(reg(9), 0, 12, reg(13));
                o.add(
                    "capPage "
                        + ef.l2slot()
                        + " "
                        + ef.perms()
                        + " itself "
                        + same(c, reg(13), reg(9)));
              },
              page,
              capPage);
      assertThat(out).containsExactly("page 0 0 itself true", "capPage 0 0 itself true");
    }
  }

  @Test
  void extendedFetchWithNoQualifyingGptAnswersTheInvokedCapability() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      CapRef smallSlots = s.k.guarded(s.k.cap(gpt(s, 12)), 0, 20); // l2v 12 < 16
      CapRef narrowGuard = s.k.cap(gpt(s, 16)); // guard l2g 12 < 16
      List<String> out =
          run(
              s,
              (c, o) -> {
                var ef = c.space.extendedFetch(reg(8), 0, 16, reg(12));
                o.add(
                    "l2v below " + ef.l2slot() + " " + ef.perms() + " " + same(c, reg(12), reg(8)));
                ef = c.space.extendedFetch(reg(9), 0, 16, reg(13));
                o.add(
                    "guard below "
                        + ef.l2slot()
                        + " "
                        + ef.perms()
                        + " "
                        + same(c, reg(13), reg(9)));
              },
              smallSlots,
              narrowGuard);
      assertThat(out).containsExactly("l2v below 0 0 true", "guard below 0 0 true");
    }
  }

  @Test
  void extendedFetchAnswersTheNearestGptWhoseL2vIsAtLeastTheArgument() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      CapRef inner = s.k.guarded(s.k.cap(gpt(s, 12)), 0, 16);
      s.k.setGptSlot(g0, 1, inner);
      List<String> out =
          run(
              s,
              (c, o) -> {
                // G0 (l2v 16) qualifies for 14; the GPT in its slot 1 (l2v 12) does not.
                var ef = c.space.extendedFetch(reg(8), 0x10000, 14, reg(12));
                o.add(
                    "l2slot "
                        + ef.l2slot()
                        + " perms "
                        + ef.perms()
                        + " inner "
                        + same(c, reg(12), reg(9)));
              },
              s.k.guarded(s.k.cap(g0), 0, 20),
              inner);
      assertThat(out).containsExactly("l2slot 16 perms 0 inner true");
    }
  }

  /** G0 (l2v 16, root guard l2g 20) whose slot 0 holds G1 (also l2v 16), whose slot 0 holds P. */
  private static final class TwoMatches {
    final ObjectRef g0;
    final ObjectRef g1;
    final CapRef root;
    final CapRef g1Cap;
    final CapRef page;

    TwoMatches(TestSystem s) {
      g0 = gpt(s, 16);
      g1 = gpt(s, 16);
      g1Cap = s.k.guarded(s.k.cap(g1), 0, 20);
      page = s.k.cap(s.k.newPage());
      s.k.setGptSlot(g0, 0, g1Cap);
      s.k.setGptSlot(g1, 0, page);
      root = s.k.guarded(s.k.cap(g0), 0, 20);
    }
  }

  @Test
  void extendedFetchStopsAtTheFirstGptWhoseL2vMatches() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      TwoMatches t = new TwoMatches(s);
      List<String> out =
          run(
              s,
              (c, o) -> {
                var ef = c.space.extendedFetch(reg(8), 0, 16, reg(12));
                o.add("l2slot " + ef.l2slot() + " G1 (not the page) " + same(c, reg(12), reg(9)));
              },
              t.root,
              t.g1Cap);
      assertThat(out).containsExactly("l2slot 16 G1 (not the page) true");
    }
  }

  @Test
  void extendedStoreReplacesTheSlotOfTheFirstGptWhoseL2vMatches() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      TwoMatches t = new TwoMatches(s);
      List<String> out =
          run(
              s,
              (c, o) -> {
                c.space.extendedStore(reg(8), 0, 16, Guards.of(0, 12), reg(10));
                c.space.getSlot(reg(9), 0, reg(12));
                o.add("G0 slot 0 is the new page " + same(c, reg(12), reg(10)));
                c.space.getSlot(reg(11), 0, reg(13));
                o.add("G1 slot 0 unchanged " + same(c, reg(13), reg(14)));
              },
              t.root,
              s.k.cap(t.g0),
              s.k.cap(s.k.newPage()),
              s.k.cap(t.g1),
              s.k.nullCap(),
              s.k.nullCap(),
              t.page);
      assertThat(out).containsExactly("G0 slot 0 is the new page true", "G1 slot 0 unchanged true");
    }
  }

  @Test
  void extendedStoreWithoutAGptOfExactlyTheArgumentIsNoSuchSlot() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      s.k.setGptSlot(g0, 1, s.k.guarded(s.k.cap(gpt(s, 12)), 0, 16));
      List<String> out =
          run(
              s,
              (c, o) -> {
                attempt(
                    o,
                    "l2v 16 for 14",
                    () -> c.space.extendedStore(reg(8), 0x10000, 14, Guards.of(0, 12), reg(9)));
                attempt(
                    o,
                    "page",
                    () -> c.space.extendedStore(reg(9), 0, 12, Guards.of(0, 12), reg(9)));
              },
              s.k.guarded(s.k.cap(g0), 0, 20),
              s.k.cap(s.k.newPage()));
      assertThat(out).containsExactly("l2v 16 for 14 NoSuchSlot", "page NoSuchSlot");
    }
  }

  @Test
  void extendedFetchAnswersTheSlotAboveAFaultFurtherDownTheWalk() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 20); // slot 0 is Null: walking 0 fails below G0
      List<String> out =
          run(
              s,
              (c, o) -> {
                var ef = c.space.extendedFetch(reg(8), 0, 12, reg(12));
                o.add(
                    "l2slot "
                        + ef.l2slot()
                        + " class "
                        + c.discrim.classify(reg(TestSystem.DISCRIM), reg(12)));
              },
              s.k.guarded(s.k.cap(g0), 0, 24));
      assertThat(out).containsExactly("l2slot 20 class " + Codes.CL_NULL);
    }
  }

  @Test
  void extendedFetchReportsThePathsRestrictionsAndWeakensThroughAWeakPath() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      s.k.setGptSlot(g0, 2, s.k.cap(s.k.newGpt()));
      CapRef weakRoot =
          s.k.restricted(s.k.guarded(s.k.cap(g0), 0, 20), Restr.WEAK | Restr.READ_ONLY);
      List<String> out =
          run(
              s,
              (c, o) -> {
                var ef = c.space.extendedFetch(reg(8), 0x20000, 16, reg(12));
                o.add(
                    "perms " + ef.perms() + " fetched restr " + c.memory.getRestrictions(reg(12)));
              },
              weakRoot);
      int weak = Restr.WEAK | Restr.READ_ONLY;
      assertThat(out).containsExactly("perms " + weak + " fetched restr " + weak);
    }
  }

  @Test
  void extendedStoreThroughAReadOnlyPathIsNoAccessAndChangesNothing() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      CapRef original = s.k.cap(s.k.newPage());
      s.k.setGptSlot(g0, 0, original);
      List<String> out =
          run(
              s,
              (c, o) -> {
                // An attacker holding a read-only view tries to swap in its own page.
                attempt(
                    o,
                    "ro store",
                    () -> c.space.extendedStore(reg(8), 0, 16, Guards.of(0, 12), reg(11)));
                attempt(
                    o,
                    "weak store",
                    () -> c.space.extendedStore(reg(9), 0, 16, Guards.of(0, 12), reg(11)));
                c.space.getSlot(reg(10), 0, reg(13));
                o.add("slot unchanged " + same(c, reg(13), reg(12)));
              },
              s.k.restricted(s.k.guarded(s.k.cap(g0), 0, 20), Restr.READ_ONLY),
              s.k.restricted(s.k.guarded(s.k.cap(g0), 0, 20), Restr.WEAK | Restr.READ_ONLY),
              s.k.cap(g0),
              s.k.cap(s.k.newPage()),
              original);
      assertThat(out)
          .containsExactly(
              "ro store coyotos.Cap.NoAccess",
              "weak store coyotos.Cap.NoAccess",
              "slot unchanged true");
    }
  }

  @Test
  void extendedFetchAndStoreThroughAnOpaqueCapabilityAreOpaqueSpace() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      s.k.setGptSlot(g0, 0, s.k.cap(s.k.newEndpoint()));
      List<String> out =
          run(
              s,
              (c, o) -> {
                // The opaque space hides its slots: neither read one out nor overwrite it.
                attempt(o, "fetch", () -> c.space.extendedFetch(reg(8), 0, 16, reg(12)));
                attempt(
                    o,
                    "store",
                    () -> c.space.extendedStore(reg(8), 0, 16, Guards.of(0, 12), reg(9)));
              },
              s.k.restricted(s.k.guarded(s.k.cap(g0), 0, 20), Restr.OPAQUE),
              s.k.cap(s.k.newPage()));
      assertThat(out).containsExactly("fetch OpaqueSpace", "store OpaqueSpace");
    }
  }

  @Test
  void extendedStoreOfANonMemoryCapabilityStoresItUnchanged() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      CapRef entry = s.k.entry(s.k.newEndpoint(), 5);
      List<String> out =
          run(
              s,
              (c, o) -> {
                // The guard word would overwrite the payload word of an Entry capability (the 2007
                // code did): the kernel must not let a guard mint a new payload.
                c.space.extendedStore(reg(8), 0, 16, Guards.of(0x77, 12), reg(10));
                c.space.getSlot(reg(9), 0, reg(12));
                o.add("stored entry identical " + same(c, reg(12), reg(10)));
              },
              s.k.guarded(s.k.cap(g0), 0, 20),
              s.k.cap(g0),
              entry);
      assertThat(out).containsExactly("stored entry identical true");
    }
  }

  @Test
  void guardedSetSlotCannotForgeAnEntryPayload() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      CapRef entry = s.k.entry(s.k.newEndpoint(), 5);
      CapRef capPage = s.k.cap(s.k.newCapPage());
      List<String> out =
          run(
              s,
              (c, o) -> {
                attempt(
                    o,
                    "gpt",
                    () -> c.space.guardedSetSlot(reg(8), 0, reg(10), Guards.of(0x77, 12)));
                attempt(
                    o,
                    "capPage",
                    () -> c.space.guardedSetSlot(reg(9), 0, reg(10), Guards.of(0x77, 12)));
                c.space.getSlot(reg(8), 0, reg(12));
                o.add("gpt slot " + c.discrim.classify(reg(TestSystem.DISCRIM), reg(12)));
              },
              s.k.cap(g0),
              capPage,
              entry);
      assertThat(out)
          .containsExactly(
              "gpt coyotos.Cap.RequestError",
              "capPage coyotos.Cap.RequestError",
              "gpt slot " + Codes.CL_NULL);
    }
  }

  @Test
  void extendedFetchOnAPageChecksItsArgumentsAsOnAGpt() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out =
          run(
              s,
              (c, o) -> {
                attempt(
                    o,
                    "misaligned offset",
                    () -> c.space.extendedFetch(reg(8), 0x800, 12, reg(12)));
                attempt(o, "l2arg 65", () -> c.space.extendedFetch(reg(8), 0, 65, reg(12)));
                attempt(o, "l2arg 11", () -> c.space.extendedFetch(reg(8), 0, 11, reg(12)));
              },
              s.k.cap(s.k.newPage()));
      assertThat(out)
          .containsExactly(
              "misaligned offset coyotos.Cap.RequestError",
              "l2arg 65 coyotos.Cap.RequestError",
              "l2arg 11 coyotos.Cap.RequestError");
    }
  }

  // ------------------------------------------------------------------ fetch / store

  @Test
  void fetchOrStoreThroughAGptEndingAtADataPageIsCapAccessTypeError() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      s.k.setGptSlot(g0, 3, s.k.cap(s.k.newPage()));
      List<String> out =
          run(
              s,
              (c, o) -> {
                attempt(o, "fetch", () -> c.space.fetch(reg(8), 0x30010, reg(12)));
                attempt(o, "store", () -> c.space.store(reg(8), 0x30010, reg(TestSystem.DISCRIM)));
                attempt(
                    o, "fetch from the page itself", () -> c.space.fetch(reg(9), 0x10, reg(12)));
              },
              s.k.guarded(s.k.cap(g0), 0, 20),
              s.k.cap(s.k.newPage()));
      assertThat(out)
          .containsExactly(
              "fetch CapAccessTypeError",
              "store CapAccessTypeError",
              "fetch from the page itself CapAccessTypeError");
    }
  }

  @Test
  void storeThroughAReadOnlyPathIsNoAccessAndChangesNothing() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g0 = gpt(s, 16);
      ObjectRef cp = s.k.newCapPage();
      s.k.setGptSlot(g0, 2, s.k.restricted(s.k.cap(cp), Restr.READ_ONLY));
      List<String> out =
          run(
              s,
              (c, o) -> {
                attempt(o, "store", () -> c.space.store(reg(8), 0x20010, reg(TestSystem.DISCRIM)));
                c.space.getSlot(reg(9), 1, reg(12));
                o.add("slot 1 " + c.discrim.classify(reg(TestSystem.DISCRIM), reg(12)));
              },
              s.k.guarded(s.k.cap(g0), 0, 20),
              s.k.cap(cp));
      assertThat(out).containsExactly("store coyotos.Cap.NoAccess", "slot 1 " + Codes.CL_NULL);
    }
  }

  @Test
  void capPageFetchTranslatesThroughTheInvokedCapabilitysGuard() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef cp = s.k.newCapPage();
      s.k.setCapPageSlot(cp, 1, s.k.kernelCap(jackal.kernel.boot.KernelService.DISCRIM));
      List<String> out =
          run(
              s,
              (c, o) -> {
                c.space.fetch(reg(8), 0x1010, reg(12)); // match 1 << 12: slot 1
                o.add("guarded " + Long.toHexString(c.cap.getType(reg(12))));
                attempt(o, "below the guard", () -> c.space.fetch(reg(8), 0x10, reg(12)));
                attempt(o, "past the page", () -> c.space.fetch(reg(9), 0x1000, reg(12)));
              },
              s.k.guarded(s.k.cap(cp), 1, 12),
              s.k.cap(cp));
      assertThat(out)
          .containsExactly(
              "guarded " + Long.toHexString(Codes.IKT_DISCRIM),
              "below the guard NoSuchSlot",
              "past the page NoSuchSlot");
    }
  }

  // ------------------------------------------------------------------ GPT and Memory refusals

  @Test
  void readOnlyOrWeakGptCapabilityCannotChangeTheGpt() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g = gpt(s, 16);
      List<String> out =
          run(
              s,
              (c, o) -> {
                for (long target : new long[] {reg(8), reg(9)}) {
                  attempt(o, "setL2v", () -> c.gpt.setl2v(target, 20));
                  attempt(o, "setHandler", () -> c.gpt.setHandler(target, true));
                  attempt(
                      o,
                      "local",
                      () -> c.gpt.makeLocalWindow(target, 0, 0, 0, Guards.of(0, 16), 1));
                  attempt(
                      o,
                      "background",
                      () -> c.gpt.makeBackgroundWindow(target, 0, 0, 0, Guards.of(0, 16)));
                }
                c.space.getSlot(reg(10), 0, reg(12));
                o.add(
                    "l2v "
                        + c.gpt.getl2v(reg(10))
                        + " handler "
                        + c.gpt.getHandler(reg(10))
                        + " slot 0 "
                        + c.discrim.classify(reg(TestSystem.DISCRIM), reg(12)));
              },
              s.k.restricted(s.k.cap(g), Restr.READ_ONLY),
              s.k.restricted(s.k.cap(g), Restr.WEAK | Restr.READ_ONLY),
              s.k.cap(g));
      List<String> refused =
          List.of(
              "setL2v coyotos.Cap.NoAccess",
              "setHandler coyotos.Cap.NoAccess",
              "local coyotos.Cap.NoAccess",
              "background coyotos.Cap.NoAccess");
      assertThat(out.subList(0, 4)).isEqualTo(refused);
      assertThat(out.subList(4, 8)).isEqualTo(refused);
      assertThat(out.get(8)).isEqualTo("l2v 16 handler false slot 0 " + Codes.CL_NULL);
    }
  }

  @Test
  void opaqueGptCapabilityCannotReadOrWriteItsSlots() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g = gpt(s, 16);
      CapRef hidden = s.k.cap(s.k.newEndpoint());
      s.k.setGptSlot(g, 0, hidden);
      List<String> out =
          run(
              s,
              (c, o) -> {
                attempt(o, "getSlot", () -> c.space.getSlot(reg(8), 0, reg(12)));
                attempt(o, "setSlot", () -> c.space.setSlot(reg(8), 0, reg(10)));
                attempt(
                    o,
                    "guardedSetSlot",
                    () -> c.space.guardedSetSlot(reg(8), 0, reg(10), Guards.of(0, 12)));
                c.space.getSlot(reg(9), 0, reg(13));
                o.add("slot 0 unchanged " + same(c, reg(13), reg(11)));
              },
              s.k.restricted(s.k.cap(g), Restr.OPAQUE),
              s.k.cap(g),
              s.k.cap(s.k.newPage()),
              hidden);
      assertThat(out)
          .containsExactly(
              "getSlot OpaqueSpace",
              "setSlot OpaqueSpace",
              "guardedSetSlot OpaqueSpace",
              "slot 0 unchanged true");
    }
  }

  @Test
  void slotNumberWithBitsAbove31IsRequestErrorNotAnotherSlot() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef g = gpt(s, 16);
      s.k.setGptSlot(g, 1, s.k.cap(s.k.newEndpoint()));
      List<String> out = new CopyOnWriteArrayList<>();
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                // Cut to 32 bits, (1 << 32) + 1 would name slot 1.
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = Codes.OC_AS_GET_SLOT;
                ipc.w[2] = (1L << 32) + 1;
                try {
                  ipc.resultInto(0, reg(12)).callOrThrow(reg(8), 2, 0, 0);
                  out.add("answered");
                } catch (KernelException e) {
                  out.add(e.getMessage());
                }
              });
      s.give(p, 8, s.k.cap(g));
      s.runUntilQuiet(p);
      assertThat(out).containsExactly("RequestError");
    }
  }

  @Test
  void setL2vBelowPageBitsOrAbove64IsRequestErrorAndKeepsTheOldValue() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out =
          run(
              s,
              (c, o) -> {
                attempt(o, "11", () -> c.gpt.setl2v(reg(8), 11));
                attempt(o, "65", () -> c.gpt.setl2v(reg(8), 65));
                o.add("l2v " + c.gpt.getl2v(reg(8)));
              },
              s.k.cap(gpt(s, 16)));
      assertThat(out)
          .containsExactly("11 coyotos.Cap.RequestError", "65 coyotos.Cap.RequestError", "l2v 16");
    }
  }

  @Test
  void setGuardRefusesGuardsTheTranslationCannotUse() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out =
          run(
              s,
              (c, o) -> {
                // Each of these passed the 2007 check, which looked at l2g alone.
                attempt(
                    o,
                    "match overflows 64 bits",
                    () -> c.memory.setGuard(reg(8), Guards.of(0x10000, 50), reg(12)));
                attempt(
                    o,
                    "match limit",
                    () -> c.memory.setGuard(reg(8), Guards.of(0xFFFFFF, 12), reg(12)));
                attempt(
                    o,
                    "match with l2g 64",
                    () -> c.memory.setGuard(reg(8), Guards.of(1, 64), reg(12)));
                attempt(
                    o,
                    "window offset unaligned",
                    () -> c.memory.setGuard(reg(9), Guards.of(0, 20), reg(12)));
                attempt(o, "fits", () -> c.memory.setGuard(reg(8), Guards.of(0xFFFF, 48), reg(12)));
              },
              s.k.cap(gpt(s, 16)),
              s.k.window(0x10000, 0, 16));
      assertThat(out)
          .containsExactly(
              "match overflows 64 bits coyotos.Cap.RequestError",
              "match limit coyotos.Cap.RequestError",
              "match with l2g 64 coyotos.Cap.RequestError",
              "window offset unaligned coyotos.Cap.RequestError",
              "fits ok");
    }
  }
}
