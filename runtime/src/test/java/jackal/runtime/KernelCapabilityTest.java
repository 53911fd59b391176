package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The kernel-implemented interfaces, invoked by real processes. */
class KernelCapabilityTest {

  @Test
  void nullAnswersGetTypeAndNothingElse() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out = new CopyOnWriteArrayList<>();
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                KernelStubs k = new KernelStubs(new Ipc(sys));
                out.add(Long.toHexString(k.getType(reg(0))));
                try {
                  k.setEndpointId(reg(0), 5);
                } catch (KernelException e) {
                  out.add(e.getMessage());
                }
              });
      s.runUntilQuiet(p);
      assertThat(out).containsExactly(Long.toHexString(Codes.IKT_NULL), "UnknownRequest");
    }
  }

  @Test
  void staleCapabilityAfterRescindBehavesAsNull() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out = new CopyOnWriteArrayList<>();
      AtomicReference<int[]> staleBits = new AtomicReference<>();
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                KernelStubs k = new KernelStubs(new Ipc(sys));
                long range = reg(TestSystem.RANGE);
                long ep = reg(8);
                long entry = reg(9);
                out.add("before " + Long.toHexString(k.getType(ep)));
                out.add("entry class " + k.classify(reg(TestSystem.DISCRIM), entry));
                k.rescind(range, ep);
                out.add("after " + Long.toHexString(k.getType(ep)));
                out.add("entry class " + k.classify(reg(TestSystem.DISCRIM), entry));
                out.add("ep class " + k.classify(reg(TestSystem.DISCRIM), ep));
                out.add("same as null " + k.compare(reg(TestSystem.DISCRIM), ep, reg(0)));
                staleBits.set(k.capBits(reg(TestSystem.CAPBITS), ep));
                try {
                  k.setEndpointId(ep, 1);
                } catch (KernelException e) {
                  out.add("invoke " + e.getMessage());
                }
                long[] id = k.identify(range, ep);
                out.add("identify " + (id[0] == Codes.OT_INVALID));
                // Range hands out a fresh capability with the new count, which works.
                k.getCap(range, s_oid.get(), Codes.OT_ENDPOINT, reg(10));
                out.add("fresh " + Long.toHexString(k.getType(reg(10))));
              });
      ObjectRef victim = s.k.newEndpoint();
      s_oid.set(victim.oid());
      s.give(p, 8, s.k.cap(victim));
      s.give(p, 9, s.k.entry(victim, 0));
      s.runUntilQuiet(p);
      assertThat(out)
          .containsExactly(
              "before " + Long.toHexString(Codes.IKT_ENDPOINT),
              "entry class " + Codes.CL_ENTRY,
              "after " + Long.toHexString(Codes.IKT_NULL),
              "entry class " + Codes.CL_NULL,
              "ep class " + Codes.CL_NULL,
              "same as null true",
              "invoke UnknownRequest",
              "identify true",
              "fresh " + Long.toHexString(Codes.IKT_ENDPOINT));
      assertThat(staleBits.get()).containsExactly(0, 0, 0, 0);
    }
  }

  private static final AtomicLong s_oid = new AtomicLong();

  @Test
  void kernelCapEffectsHappenEvenWhenTheReplyCannotBeDelivered() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicLong idAfter = new AtomicLong();
      ObjectRef nobody = s.process("nobody", sys -> {}); // never started: never receiving
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                Ipc ipc = new Ipc(sys);
                // Endpoint.setEndpointID(77), non-blocking, with the reply aimed at a process
                // that is not receiving: the reply is lost, the effect is not.
                ipc.w[1] = Codes.OC_ENDPOINT_SET_ENDPOINT_ID;
                ipc.w[2] = 77;
                ipc.w[ParameterBlock.SNDCAP] = reg(9);
                ipc.send(reg(8), 2, 0, true);
                // The same with a Null reply capability.
                ipc.w[1] = Codes.OC_ENDPOINT_SET_ENDPOINT_ID;
                ipc.w[2] = 78;
                ipc.w[ParameterBlock.SNDCAP] = reg(0);
                ipc.send(reg(8), 2, 0, false);
                idAfter.set(new KernelStubs(new Ipc(sys)).getEndpointId(reg(8)));
              });
      ObjectRef target = s.k.newEndpoint();
      s.give(p, 8, s.k.cap(target));
      s.give(p, 9, s.k.entry(s.endpoint(nobody, 0), 0));
      s.runUntilQuiet(p);
      assertThat(idAfter).hasValue(78);
      assertThat(s.info(p).exited()).isTrue();
    }
  }

  @Test
  void endpointMintsEntryCapsThatCarryTheirPayload() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<Long> payloads = new CopyOnWriteArrayList<>();
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                for (; ; ) {
                  payloads.add(ipc.payload());
                  ipc.replyAndReceive(0, -1);
                }
              });
      ObjectRef owner =
          s.process(
              "owner",
              sys -> {
                KernelStubs k = new KernelStubs(new Ipc(sys));
                Ipc ipc = new Ipc(sys);
                k.setRecipient(reg(8), reg(9));
                k.makeEntryCap(reg(8), 0xFEED, reg(10));
                k.makeEntryCap(reg(8), 3, reg(11));
                ipc.w[1] = 1;
                ipc.callOrThrow(reg(10), 1, 0, -1);
                ipc.callOrThrow(reg(11), 1, 0, -1);
              });
      s.give(owner, 8, s.k.cap(s.k.newEndpoint()));
      s.give(owner, 9, s.k.cap(server));
      s.runUntilQuiet(server, owner);
      assertThat(payloads).containsExactly(0xFEEDL, 3L);
    }
  }

  @Test
  void processCapabilityReadsAndWritesRegistersAndRecognisesEntryCaps() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out = new CopyOnWriteArrayList<>();
      ObjectRef other = s.process("other", sys -> {});
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                KernelStubs k = new KernelStubs(new Ipc(sys));
                k.setCapReg(reg(8), 12, reg(TestSystem.DISCRIM));
                k.getCapReg(reg(8), 12, reg(13));
                out.add("copied " + Long.toHexString(k.getType(reg(13))));
                try {
                  k.setCapReg(reg(8), 0, reg(TestSystem.DISCRIM));
                } catch (KernelException e) {
                  out.add("reg0 " + e.getMessage());
                }
                try {
                  k.getCapReg(reg(8), 32, reg(13));
                } catch (KernelException e) {
                  out.add("reg32 " + e.getMessage());
                }
                var id = k.identifyEntry(reg(CapReg.SELF), reg(9));
                out.add(
                    "self "
                        + id.matches()
                        + " "
                        + id.payload()
                        + " "
                        + id.endpointId()
                        + " "
                        + id.isMe());
                var other2 = k.identifyEntry(reg(CapReg.SELF), reg(10));
                out.add("other " + other2.matches());
                k.setState(reg(8), 7, 0x1000);
                long[] st = k.getState(reg(8));
                out.add("state " + st[0] + " " + st[1]);
                try {
                  k.setState(reg(8), 0, 5);
                } catch (KernelException e) {
                  out.add("no fault with info " + e.getMessage());
                }
              });
      ObjectRef mine = s.endpoint(p, 31);
      s.give(p, 8, s.k.cap(other));
      s.give(p, 9, s.k.entry(mine, 17));
      s.give(p, 10, s.k.entry(s.endpoint(other, 1), 0));
      // Brands: p and other carry different brands, so other's entry cap is not recognised.
      s.k.setBrand(p, s.k.cap(s.k.newEndpoint()));
      s.k.setBrand(other, s.k.cap(s.k.newEndpoint()));
      s.runUntilQuiet(p);
      assertThat(out)
          .containsExactly(
              "copied " + Long.toHexString(Codes.IKT_DISCRIM),
              "reg0 RequestError",
              "reg32 RequestError",
              "self true 17 31 true",
              "other false",
              "state 7 4096",
              "no fault with info RequestError");
    }
  }

  @Test
  void retiredOidIsNeverHandedOutAgain() throws Exception {
    // With the 2007 layout the count is 20 bits: rescinding 2^20 times exhausts it.
    KernelConfig cfg = KernelConfig.defaults().withCpus(1).withOidLayout("coyotos-2007");
    try (TestSystem s = new TestSystem(cfg)) {
      List<String> out = new CopyOnWriteArrayList<>();
      ObjectRef victim = s.k.newEndpoint();
      long oid = victim.oid();
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                KernelStubs k = new KernelStubs(new Ipc(sys));
                long range = reg(TestSystem.RANGE);
                int rescinds = 0;
                for (; ; ) {
                  k.getCap(range, oid, Codes.OT_ENDPOINT, reg(8));
                  k.rescind(range, reg(8));
                  rescinds++;
                  try {
                    k.getCap(range, oid, Codes.OT_ENDPOINT, reg(9));
                  } catch (KernelException e) {
                    out.add(rescinds + " " + e.getMessage());
                    break;
                  }
                }
                out.add("old cap " + Long.toHexString(k.getType(reg(8))));
                try {
                  k.getCap(range, oid, Codes.OT_ENDPOINT, reg(9));
                } catch (KernelException e) {
                  out.add("again " + e.getMessage());
                }
              });
      s.runUntilQuiet(p);
      assertThat(out)
          .containsExactly(
              (1 << 20) + " Range.AllocCountRollover",
              "old cap " + Long.toHexString(Codes.IKT_NULL),
              "again Range.AllocCountRollover");
      // Image building never hands the retired OID out either.
      for (int i = 0; i < 64; i++) {
        assertThat(s.k.newEndpoint().oid()).isNotEqualTo(oid);
      }
    }
  }
}
