package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.CapBitsClient;
import jackal.runtime.idl.coyotos.CapBitsInfo;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.CapRequestErrorException;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idl.coyotos.DiscrimCodes;
import jackal.runtime.idl.coyotos.EndpointClient;
import jackal.runtime.idl.coyotos.KernLogClient;
import jackal.runtime.idl.coyotos.ProcessClient;
import jackal.runtime.idl.coyotos.ProcessCodes;
import jackal.runtime.idl.coyotos.ProcessGetStateResult;
import jackal.runtime.idl.coyotos.RangeClient;
import jackal.runtime.idl.coyotos.RangeCodes;
import jackal.runtime.idl.coyotos.RangeRangeErrException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The stubs generated from the kernel's CapIDL, calling the real kernel's capabilities. */
class GeneratedKernelStubsTest {
  private static final int ENDPOINT = 9;
  private static final int PAGE = 10;
  private static final int ENTRY = 11;
  private static final int FAULTY = 12;
  private static final int FETCHED = 13;

  /** Runs {@code body} in a process with the test registers; fails with its first failure. */
  private interface Body {
    void run(Ipc ipc) throws Exception;
  }

  @Test
  void kernelCapabilitiesAnswerTheGeneratedStubs() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      List<Object> seen = new CopyOnWriteArrayList<>();
      ObjectRef faulty = s.process("faulty", sys -> sys.loadByte(0x7000)); // past its one page
      Body body =
          ipc -> {
            DiscrimClient discrim = new DiscrimClient(ipc);
            long d = reg(TestSystem.DISCRIM);

            // Cap.getType through the client of the root interface
            assertThat(new CapClient(ipc).getType(d)).isEqualTo(DiscrimCodes.IKT);

            // Discrim.classify
            assertThat(discrim.classify(d, reg(CapReg.SELF)))
                .isEqualTo(DiscrimCodes.capClass.clProcess);
            assertThat(discrim.classify(d, reg(CapReg.NULL)))
                .isEqualTo(DiscrimCodes.capClass.clNull);
            assertThat(discrim.classify(d, reg(ENDPOINT)))
                .isEqualTo(DiscrimCodes.capClass.clEndpoint);

            // Endpoint.makeEntryCap, checked with Process.identifyEntry
            assertThat(new EndpointClient(ipc).makeEntryCap(reg(ENDPOINT), 0xCAFE_F00D, reg(ENTRY)))
                .isEqualTo(reg(ENTRY));
            assertThat(discrim.classify(d, reg(ENTRY))).isEqualTo(DiscrimCodes.capClass.clEntry);
            ProcessClient process = new ProcessClient(ipc);
            var id = process.identifyEntry(reg(CapReg.SELF), reg(ENTRY));
            assertThat(id.result()).isTrue();
            assertThat(id.pp()).isEqualTo(0xCAFE_F00D);
            assertThat(id.epID()).isEqualTo(7);
            assertThat(id.isMe()).isTrue();

            // Process.getState: this process, and one that faulted
            assertThat(process.getState(reg(CapReg.SELF)))
                .isEqualTo(new ProcessGetStateResult(ProcessCodes.FC.NoFault, 0));
            seen.add(process.getState(reg(FAULTY)));

            // CapBits.get, against the same call marshalled by hand
            CapBitsInfo bits = new CapBitsClient(ipc).get(reg(TestSystem.CAPBITS), reg(PAGE));
            Ipc raw = new Ipc(ipc.sys());
            raw.w[1] = Codes.OC_CAP_BITS_GET;
            raw.capArg(1, reg(PAGE)).callOrThrow(reg(TestSystem.CAPBITS), 1, 1, -1);
            int[] byHand = {(int) raw.w[1], (int) raw.w[2], (int) raw.w[3], (int) raw.w[4]};
            assertThat(bits.w()).containsExactly(byHand);
            assertThat(Arrays.stream(bits.w()).anyMatch(x -> x != 0)).isTrue();

            // Range.identify, getCap and rescind
            RangeClient range = new RangeClient(ipc);
            long r = reg(TestSystem.RANGE);
            var page = range.identify(r, reg(PAGE));
            assertThat(page.type()).isEqualTo(RangeCodes.obType.otPage);
            assertThat(range.getCap(r, page.offset(), RangeCodes.obType.otPage, reg(FETCHED)))
                .isEqualTo(reg(FETCHED));
            assertThat(discrim.compare(d, reg(FETCHED), reg(PAGE))).isTrue();
            assertThatThrownBy(() -> range.getCap(r, -2L, RangeCodes.obType.otPage, reg(FETCHED)))
                .isInstanceOf(RangeRangeErrException.class);
            range.rescind(r, reg(FETCHED));
            assertThat(discrim.classify(d, reg(PAGE)))
                .as("a rescinded object's capabilities behave as Null")
                .isEqualTo(DiscrimCodes.capClass.clNull);

            // KernLog.log, and one byte past what the kernel accepts
            KernLogClient log = new KernLogClient(ipc).stringArea(0x100, 512);
            log.log(
                reg(TestSystem.KERNLOG),
                "logged through a generated stub".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> log.log(reg(TestSystem.KERNLOG), new byte[256]))
                .isInstanceOf(CapRequestErrorException.class);
          };
      ObjectRef tester =
          s.process(
              "tester",
              sys -> {
                try {
                  body.run(new Ipc(sys));
                  seen.add("done");
                } catch (Throwable t) {
                  failures.add(t);
                }
              });
      s.give(tester, ENDPOINT, s.k.cap(s.endpoint(tester, 7)));
      s.give(tester, PAGE, s.k.cap(s.k.newPage()));
      s.give(tester, FAULTY, s.k.cap(faulty));
      s.runUntilQuiet(faulty, tester);
      if (!failures.isEmpty()) {
        throw new AssertionError("the tester failed: " + failures.getFirst(), failures.getFirst());
      }
      var fault = s.info(faulty);
      assertThat(fault.faultCode()).isNotZero();
      assertThat(seen)
          .containsExactly(new ProcessGetStateResult(fault.faultCode(), fault.faultInfo()), "done");
      assertThat(s.console()).contains("logged through a generated stub\n");
    }
  }
}
