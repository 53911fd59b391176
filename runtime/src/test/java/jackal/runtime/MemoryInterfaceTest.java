package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.ObjectRef;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The Memory, AddressSpace, GPT and Window methods, invoked by a process that builds a space. */
class MemoryInterfaceTest {

  @Test
  void processBuildsAndInspectsASpaceThroughTheMemoryInterfaces() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out = new CopyOnWriteArrayList<>();
      ObjectRef builder =
          s.process(
              "builder",
              sys -> {
                MemoryStubs m = new MemoryStubs(new Ipc(sys));
                KernelStubs k = new KernelStubs(new Ipc(sys));
                long gpt = reg(8);
                long page = reg(9);
                long capPage = reg(10);
                long other = reg(11);
                out.add("old l2v " + m.setL2v(gpt, 16) + " now " + m.getL2v(gpt));
                m.setHandler(gpt, true);
                out.add("handler " + m.getHandler(gpt));
                m.setGuard(gpt, 0, 20, reg(12)); // the root capability: l2g 20
                out.add("guard 0x" + Long.toHexString(m.getGuard(reg(12))));
                m.guardedSetSlot(gpt, 1, page, 0, 16);
                m.setSlot(gpt, 2, capPage);
                m.makeLocalWindow(gpt, 3, Restr.READ_ONLY, 0x10000, 0, 16, 1);
                m.getSlot(gpt, 3, reg(13));
                out.add(
                    "window offset 0x"
                        + Long.toHexString(m.getOffset(reg(13)))
                        + " root "
                        + m.getRootSlot(reg(13))
                        + " restr "
                        + m.getRestrictions(reg(13)));
                m.makeBackgroundWindow(gpt, 4, 0, 0, 0, 16);
                out.add("bg window class " + k.classify(reg(TestSystem.DISCRIM), reg(0)));
                // Store and fetch a capability through the space: slot 2 is the CapPage.
                m.store(reg(12), 0x20030, reg(TestSystem.DISCRIM));
                m.fetch(reg(12), 0x20030, reg(14));
                out.add("fetched " + Long.toHexString(k.getType(reg(14))));
                try {
                  m.fetch(reg(12), 0x20031, reg(14));
                } catch (KernelException e) {
                  out.add("misaligned " + e.getMessage());
                }
                try {
                  m.fetch(reg(12), 0x50000, reg(14));
                } catch (KernelException e) {
                  out.add("nothing there " + (e.code() == Codes.RC_AS_NO_SUCH_SLOT));
                }
                long[] ef = m.extendedFetch(reg(12), 0x20000, 16, reg(15));
                out.add(
                    "extended l2 "
                        + ef[0]
                        + " perms "
                        + ef[1]
                        + " type "
                        + Long.toHexString(k.getType(reg(15))));
                m.extendedStore(reg(12), 0x50000, 16, 0, 16, page);
                m.getSlot(gpt, 5, reg(15));
                out.add("extended store " + Long.toHexString(k.getType(reg(15))));
                m.reduce(gpt, Restr.WEAK, reg(13));
                out.add("reduced restr " + m.getRestrictions(reg(13)));
                try {
                  m.setSlot(reg(13), 0, page);
                } catch (KernelException e) {
                  out.add("weak setSlot " + e.getMessage());
                }
                try {
                  m.reduce(page, Restr.OPAQUE, reg(13));
                } catch (KernelException e) {
                  out.add("opaque page " + e.getMessage());
                }
                try {
                  m.getSlot(page, 0, reg(13));
                } catch (KernelException e) {
                  out.add("page slots " + (e.code() == Codes.RC_AS_CAP_ACCESS_TYPE_ERROR));
                }
                m.copyFrom(other, gpt, reg(13));
                out.add(
                    "copy l2v "
                        + m.getL2v(other)
                        + " guard 0x"
                        + Long.toHexString(m.getGuard(reg(13))));
                m.erase(other);
                out.add("erased l2v " + m.getL2v(other) + " handler " + m.getHandler(other));
                try {
                  m.setL2v(gpt, 11);
                } catch (KernelException e) {
                  out.add("l2v 11 " + e.getMessage());
                }
                try {
                  m.setGuard(gpt, 1, 64, reg(13));
                } catch (KernelException e) {
                  out.add("guard 1<<64 " + e.getMessage());
                }
              });
      s.give(builder, 8, s.k.cap(s.k.newGpt()));
      s.give(builder, 9, s.k.cap(s.k.newPage()));
      s.give(builder, 10, s.k.cap(s.k.newCapPage()));
      s.give(builder, 11, s.k.cap(s.k.newGpt()));
      s.runUntilQuiet(builder);
      assertThat(s.info(builder).exited()).as("%s", s.info(builder)).isTrue();
      assertThat(out)
          .containsExactly(
              "old l2v 12 now 16",
              "handler true",
              "guard 0x14",
              "window offset 0x10000 root 1 restr 2",
              "bg window class 0",
              "fetched " + Long.toHexString(Codes.IKT_DISCRIM),
              "misaligned RequestError",
              "nothing there true",
              "extended l2 16 perms 0 type " + Long.toHexString(Codes.IKT_CAP_PAGE),
              "extended store " + Long.toHexString(Codes.IKT_PAGE),
              "reduced restr " + (Restr.WEAK | Restr.READ_ONLY),
              "weak setSlot NoAccess",
              "opaque page RequestError",
              "page slots true",
              "copy l2v 16 guard 0xc",
              "erased l2v 12 handler false",
              "l2v 11 RequestError",
              "guard 1<<64 RequestError");
    }
  }
}
