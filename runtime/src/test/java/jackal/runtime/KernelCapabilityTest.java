package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.CapBitsClient;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idl.coyotos.EndpointClient;
import jackal.runtime.idl.coyotos.ProcessClient;
import jackal.runtime.idl.coyotos.RangeClient;
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
                Ipc kIpc = new Ipc(sys);
                CapClient capClient = new CapClient(kIpc);
                EndpointClient endpointClient = new EndpointClient(kIpc);
                out.add(Long.toHexString(capClient.getType(reg(0))));
                try {
                  endpointClient.setEndpointID(reg(0), 5);
                } catch (KernelException e) {
                  out.add(e.getMessage());
                }
              });
      s.runUntilQuiet(p);
      assertThat(out)
          .containsExactly(Long.toHexString(Codes.IKT_NULL), "coyotos.Cap.UnknownRequest");
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
                Ipc kIpc = new Ipc(sys);
                CapClient capClient = new CapClient(kIpc);
                DiscrimClient discrimClient = new DiscrimClient(kIpc);
                RangeClient rangeClient = new RangeClient(kIpc);
                CapBitsClient capBitsClient = new CapBitsClient(kIpc);
                EndpointClient endpointClient = new EndpointClient(kIpc);
                long range = reg(TestSystem.RANGE);
                long ep = reg(8);
                long entry = reg(9);
                out.add("before " + Long.toHexString(capClient.getType(ep)));
                out.add("entry class " + discrimClient.classify(reg(TestSystem.DISCRIM), entry));
                rangeClient.rescind(range, ep);
                out.add("after " + Long.toHexString(capClient.getType(ep)));
                out.add("entry class " + discrimClient.classify(reg(TestSystem.DISCRIM), entry));
                out.add("ep class " + discrimClient.classify(reg(TestSystem.DISCRIM), ep));
                out.add(
                    "same as null " + discrimClient.compare(reg(TestSystem.DISCRIM), ep, reg(0)));
                staleBits.set(capBitsClient.get(reg(TestSystem.CAPBITS), ep).w());
                try {
                  endpointClient.setEndpointID(ep, 1);
                } catch (KernelException e) {
                  out.add("invoke " + e.getMessage());
                }
                var id = rangeClient.identify(range, ep);
                out.add("identify " + (id.type() == (int) Codes.OT_INVALID));
                // Range hands out a fresh capability with the new count, which works.
                rangeClient.getCap(range, s_oid.get(), Codes.OT_ENDPOINT, reg(10));
                out.add("fresh " + Long.toHexString(capClient.getType(reg(10))));
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
              "invoke coyotos.Cap.UnknownRequest",
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
                idAfter.set(new EndpointClient(new Ipc(sys)).getEndpointID(reg(8)));
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
                EndpointClient endpointClient = new EndpointClient(new Ipc(sys));
                Ipc ipc = new Ipc(sys);
                endpointClient.setRecipient(reg(8), reg(9));
                endpointClient.makeEntryCap(reg(8), 0xFEED, reg(10));
                endpointClient.makeEntryCap(reg(8), 3, reg(11));
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
                Ipc kIpc = new Ipc(sys);
                ProcessClient processClient = new ProcessClient(kIpc);
                CapClient capClient = new CapClient(kIpc);
                processClient.setCapReg(reg(8), 12, reg(TestSystem.DISCRIM));
                processClient.getCapReg(reg(8), 12, reg(13));
                out.add("copied " + Long.toHexString(capClient.getType(reg(13))));
                try {
                  processClient.setCapReg(reg(8), 0, reg(TestSystem.DISCRIM));
                } catch (KernelException e) {
                  out.add("reg0 " + e.getMessage());
                }
                try {
                  processClient.getCapReg(reg(8), 32, reg(13));
                } catch (KernelException e) {
                  out.add("reg32 " + e.getMessage());
                }
                var id = processClient.identifyEntry(reg(CapReg.SELF), reg(9));
                out.add("self " + id.result() + " " + id.pp() + " " + id.epID() + " " + id.isMe());
                var other2 = processClient.identifyEntry(reg(CapReg.SELF), reg(10));
                out.add("other " + other2.result());
                processClient.setState(reg(8), 7, 0x1000);
                var st = processClient.getState(reg(8));
                out.add("state " + st.faultCode() + " " + st.faultInfo());
                try {
                  processClient.setState(reg(8), 0, 5);
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
              "reg0 coyotos.Cap.RequestError",
              "reg32 coyotos.Cap.RequestError",
              "self true 17 31 true",
              "other false",
              "state 7 4096",
              "no fault with info coyotos.Cap.RequestError");
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
                Ipc kIpc = new Ipc(sys);
                RangeClient rangeClient = new RangeClient(kIpc);
                CapClient capClient = new CapClient(kIpc);
                long range = reg(TestSystem.RANGE);
                int rescinds = 0;
                for (; ; ) {
                  rangeClient.getCap(range, oid, Codes.OT_ENDPOINT, reg(8));
                  rangeClient.rescind(range, reg(8));
                  rescinds++;
                  try {
                    rangeClient.getCap(range, oid, Codes.OT_ENDPOINT, reg(9));
                  } catch (KernelException e) {
                    out.add(rescinds + " " + e.getMessage());
                    break;
                  }
                }
                out.add("old cap " + Long.toHexString(capClient.getType(reg(8))));
                try {
                  rangeClient.getCap(range, oid, Codes.OT_ENDPOINT, reg(9));
                } catch (KernelException e) {
                  out.add("again " + e.getMessage());
                }
              });
      s.runUntilQuiet(p);
      assertThat(out)
          .containsExactly(
              (1 << 20) + " coyotos.Range.AllocCountRollover",
              "old cap " + Long.toHexString(Codes.IKT_NULL),
              "again coyotos.Range.AllocCountRollover");
      // Image building never hands the retired OID out either.
      for (int i = 0; i < 64; i++) {
        assertThat(s.k.newEndpoint().oid()).isNotEqualTo(oid);
      }
    }
  }
}
