package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.AddressSpaceClient;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idl.coyotos.GPTClient;
import jackal.runtime.idl.coyotos.LocalWindowClient;
import jackal.runtime.idl.coyotos.MemoryClient;
import jackal.runtime.idl.coyotos.WindowClient;
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
                Ipc mIpc = new Ipc(sys);
                GPTClient gptClient = new GPTClient(mIpc);
                MemoryClient memoryClient = new MemoryClient(mIpc);
                AddressSpaceClient spaceClient = new AddressSpaceClient(mIpc);
                WindowClient windowClient = new WindowClient(mIpc);
                LocalWindowClient localWindowClient = new LocalWindowClient(mIpc);
                Ipc kIpc = new Ipc(sys);
                DiscrimClient discrimClient = new DiscrimClient(kIpc);
                CapClient capClient = new CapClient(kIpc);
                long gpt = reg(8);
                long page = reg(9);
                long capPage = reg(10);
                long other = reg(11);
                out.add("old l2v " + gptClient.setl2v(gpt, 16) + " now " + gptClient.getl2v(gpt));
                gptClient.setHandler(gpt, true);
                out.add("handler " + gptClient.getHandler(gpt));
                memoryClient.setGuard(
                    gpt, Guards.of(0, 20), reg(12)); // the root capability: l2g 20
                out.add("guard 0x" + Long.toHexString(memoryClient.getGuard(reg(12))));
                spaceClient.guardedSetSlot(gpt, 1, page, Guards.of(0, 16));
                spaceClient.setSlot(gpt, 2, capPage);
                gptClient.makeLocalWindow(gpt, 3, Restr.READ_ONLY, 0x10000, Guards.of(0, 16), 1);
                spaceClient.getSlot(gpt, 3, reg(13));
                out.add(
                    "window offset 0x"
                        + Long.toHexString(windowClient.getOffset(reg(13)))
                        + " root "
                        + localWindowClient.getRootSlot(reg(13))
                        + " restr "
                        + memoryClient.getRestrictions(reg(13)));
                gptClient.makeBackgroundWindow(gpt, 4, 0, 0, Guards.of(0, 16));
                out.add(
                    "bg window class " + discrimClient.classify(reg(TestSystem.DISCRIM), reg(0)));
                // Store and fetch a capability through the space: slot 2 is the CapPage.
                spaceClient.store(reg(12), 0x20030, reg(TestSystem.DISCRIM));
                spaceClient.fetch(reg(12), 0x20030, reg(14));
                out.add("fetched " + Long.toHexString(capClient.getType(reg(14))));
                try {
                  spaceClient.fetch(reg(12), 0x20031, reg(14));
                } catch (KernelException e) {
                  out.add("misaligned " + e.getMessage());
                }
                try {
                  spaceClient.fetch(reg(12), 0x50000, reg(14));
                } catch (KernelException e) {
                  out.add("nothing there " + (e.code() == Codes.RC_AS_NO_SUCH_SLOT));
                }
                var ef = spaceClient.extendedFetch(reg(12), 0x20000, 16, reg(15));
                out.add(
                    "extended l2 "
                        + ef.l2slot()
                        + " perms "
                        + ef.perms()
                        + " type "
                        + Long.toHexString(capClient.getType(reg(15))));
                spaceClient.extendedStore(reg(12), 0x50000, 16, Guards.of(0, 16), page);
                spaceClient.getSlot(gpt, 5, reg(15));
                out.add("extended store " + Long.toHexString(capClient.getType(reg(15))));
                memoryClient.reduce(gpt, Restr.WEAK, reg(13));
                out.add("reduced restr " + memoryClient.getRestrictions(reg(13)));
                try {
                  spaceClient.setSlot(reg(13), 0, page);
                } catch (KernelException e) {
                  out.add("weak setSlot " + e.getMessage());
                }
                try {
                  memoryClient.reduce(page, Restr.OPAQUE, reg(13));
                } catch (KernelException e) {
                  out.add("opaque page " + e.getMessage());
                }
                try {
                  spaceClient.getSlot(page, 0, reg(13));
                } catch (KernelException e) {
                  out.add("page slots " + (e.code() == Codes.RC_AS_CAP_ACCESS_TYPE_ERROR));
                }
                spaceClient.copyFrom(other, gpt, reg(13));
                out.add(
                    "copy l2v "
                        + gptClient.getl2v(other)
                        + " guard 0x"
                        + Long.toHexString(memoryClient.getGuard(reg(13))));
                spaceClient.erase(other);
                out.add(
                    "erased l2v "
                        + gptClient.getl2v(other)
                        + " handler "
                        + gptClient.getHandler(other));
                try {
                  gptClient.setl2v(gpt, 11);
                } catch (KernelException e) {
                  out.add("l2v 11 " + e.getMessage());
                }
                try {
                  memoryClient.setGuard(gpt, Guards.of(1, 64), reg(13));
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
              "misaligned coyotos.Cap.RequestError",
              "nothing there true",
              "extended l2 16 perms 0 type " + Long.toHexString(Codes.IKT_CAP_PAGE),
              "extended store " + Long.toHexString(Codes.IKT_PAGE),
              "reduced restr " + (Restr.WEAK | Restr.READ_ONLY),
              "weak setSlot coyotos.Cap.NoAccess",
              "opaque page coyotos.Cap.RequestError",
              "page slots true",
              "copy l2v 16 guard 0xc",
              "erased l2v 12 handler false",
              "l2v 11 coyotos.Cap.RequestError",
              "guard 1<<64 coyotos.Cap.RequestError");
    }
  }
}
