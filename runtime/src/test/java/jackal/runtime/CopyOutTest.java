package jackal.runtime;

import static jackal.kernel.api.ParameterBlock.EPID;
import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.INVCAP;
import static jackal.kernel.api.ParameterBlock.PP;
import static jackal.kernel.api.ParameterBlock.SNDCAP;
import static jackal.kernel.api.ParameterBlock.SNDLEN;
import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.Syscall;
import jackal.kernel.boot.ObjectRef;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, item 9: words 4-7, the payload, the string length and the endpoint ID are soft
 * parameters; they reach a receiver's block only when its receive asked for copy-out (CO). Words
 * 1-3 and the control word always arrive.
 */
class CopyOutTest {
  private static final long UNTOUCHED = 0x5EED_5EEDL;

  /** A receiver that fills its block with a marker, receives once with {@code co}, keeps a copy. */
  private static ObjectRef receiver(TestSystem s, boolean co, AtomicReference<long[]> seen) {
    return s.process(
        "receiver",
        sys -> {
          Ipc ipc = new Ipc(sys);
          Arrays.fill(ipc.w, UNTOUCHED);
          ipc.stringBuffer(0, 0);
          ipc.w[ICW] = Syscall.INVOKE_CAP | Icw.RP | (co ? Icw.CO : 0);
          sys.trap(ipc.pb);
          seen.set(ipc.w.clone());
        });
  }

  /** A sender of seven data words through an Entry capability with payload 77 (endpoint ID 5). */
  private static ObjectRef sender(TestSystem s) {
    return s.process(
        "sender",
        sys -> {
          Ipc ipc = new Ipc(sys);
          for (int i = 1; i <= 7; i++) {
            ipc.w[i] = 100 + i;
          }
          ipc.send(reg(8), 7, -1, false);
        });
  }

  @Test
  void receiveWithoutCopyOutGetsOnlyTheControlWordAndWordsOneToThree() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicReference<long[]> seen = new AtomicReference<>();
      ObjectRef r = receiver(s, false, seen);
      ObjectRef snd = sender(s);
      s.give(snd, 8, s.k.entry(s.endpoint(r, 5), 77));
      s.runUntilQuiet(r, snd);
      long[] w = seen.get();
      assertThat(Icw.ldw(w[ICW])).isEqualTo(7);
      assertThat(new long[] {w[1], w[2], w[3]}).containsExactly(101, 102, 103);
      assertThat(new long[] {w[4], w[5], w[6], w[7], w[PP], w[SNDLEN], w[EPID]})
          .containsOnly(UNTOUCHED);
    }
  }

  @Test
  void receiveWithCopyOutGetsWordsFourToSevenPayloadLengthAndEndpointId() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicReference<long[]> seen = new AtomicReference<>();
      ObjectRef r = receiver(s, true, seen);
      ObjectRef snd = sender(s);
      s.give(snd, 8, s.k.entry(s.endpoint(r, 5), 77));
      s.runUntilQuiet(r, snd);
      long[] w = seen.get();
      assertThat(new long[] {w[1], w[2], w[3], w[4], w[5], w[6], w[7]})
          .containsExactly(101, 102, 103, 104, 105, 106, 107);
      assertThat(w[PP]).isEqualTo(77);
      assertThat(w[SNDLEN]).isZero();
      assertThat(w[EPID]).isEqualTo(5);
      assertThat(w[ICW] & Icw.CO).as("the CO phase is done").isZero();
    }
  }

  @Test
  void kernelReplyWithoutCopyOutLeavesTheSoftWordsOfTheCallerAlone() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicReference<long[]> seen = new AtomicReference<>();
      ObjectRef caller =
          s.process(
              "caller",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = Codes.OC_CAP_GET_TYPE & 0xFFFF_FFFFL;
                ipc.w[SNDCAP] = reg(CapReg.REPLYEPT);
                ipc.w[EPID] = 0;
                ipc.w[SNDLEN] = 0;
                ipc.w[INVCAP] = reg(TestSystem.DISCRIM);
                ipc.w[ICW] =
                    Syscall.INVOKE_CAP
                        | Icw.makeLdw(1)
                        | Icw.SP
                        | Icw.RP
                        | Icw.CW
                        | Icw.RC
                        | Icw.SC;
                sys.trap(ipc.pb);
                seen.set(ipc.w.clone());
              });
      s.runUntilQuiet(caller);
      long[] w = seen.get();
      assertThat(w[1]).as("the type code arrives in word 1").isNotEqualTo(0);
      // Word 8 held the invoked capability's location; the reply's payload is soft, so without
      // CO it is not written over it.
      assertThat(w[PP])
          .as("the payload is soft: no CO, no copy")
          .isEqualTo(reg(TestSystem.DISCRIM));
    }
  }
}
