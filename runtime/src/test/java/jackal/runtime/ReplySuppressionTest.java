package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.ProcessClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * When a kernel capability's reply is delivered and when it is dropped, as in Coyotos: a reply is
 * dropped only where the operation leaves no one to take it (cap_ProcessCommon.c, cap_AppNotice.c,
 * cap_Range.c).
 */
class ReplySuppressionTest {

  /** A process in an open wait that records every message: its data word count, word 1, ID. */
  private static ObjectRef replyCatcher(TestSystem s, List<String> saw) {
    return s.process(
        "catcher",
        sys -> {
          Ipc ipc = new Ipc(sys);
          ipc.receive();
          for (; ; ) {
            saw.add(
                "ldw="
                    + Icw.ldw(ipc.w[0])
                    + " w1="
                    + Long.toHexString(ipc.w[1])
                    + " ep="
                    + ipc.endpointId());
            ipc.receive();
          }
        });
  }

  @Test
  void resumeOfSelfReturnsItsReply() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out = new CopyOnWriteArrayList<>();
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                processClient.resume(reg(CapReg.SELF), false);
                out.add("resume(SELF) returned");
                processClient.resume(reg(CapReg.SELF), true);
                out.add("resume(SELF, cancel) returned");
              });
      s.runUntilQuiet(p);
      assertThat(out).containsExactly("resume(SELF) returned", "resume(SELF, cancel) returned");
      assertThat(s.info(p).exited()).isTrue();
    }
  }

  @Test
  void postNoticeNeverRepliesEvenWhenTheCallerSendsAReplyCapability() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> catcherSaw = new CopyOnWriteArrayList<>();
      ObjectRef catcher = replyCatcher(s, catcherSaw);
      ObjectRef replyEp = s.endpoint(catcher, 7);
      s.k.setPayloadMatch(replyEp);
      ObjectRef noticed = s.process("noticed", sys -> {}); // never started: notices pile up
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = Codes.OC_APP_NOTICE_POST_NOTICE;
                ipc.w[2] = 0x4;
                ipc.w[ParameterBlock.SNDCAP] = reg(9);
                ipc.send(reg(8), 2, 0, false);
                // The same reply capability still works: postNotice did not bump the payload.
                ipc.w[1] = Codes.OC_APP_NOTICE_GET_NOTICES;
                ipc.w[ParameterBlock.SNDCAP] = reg(9);
                ipc.send(reg(8), 1, 0, false);
              });
      s.give(p, 8, s.k.appNotice(s.endpoint(noticed, 1), 0x6));
      s.give(p, 9, s.k.entry(replyEp, 0));
      s.runUntilQuiet(catcher, p);
      assertThat(catcherSaw).as("only getNotices answers").containsExactly("ldw=1 w1=6 ep=7");
      assertThat(s.info(noticed).notices()).as("the notice was posted").isEqualTo(0x4);
      assertThat(s.k.protectedPayload(replyEp)).isEqualTo(1);
    }
  }

  @Test
  void rescindingTheEndpointAReplyWouldGoToSuppressesThatReply() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> catcherSaw = new CopyOnWriteArrayList<>();
      ObjectRef catcher = replyCatcher(s, catcherSaw);
      ObjectRef replyEp = s.endpoint(catcher, 7);
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                Ipc ipc = new Ipc(sys);
                // Range.identify(replyEp), answered to replyEp: delivered.
                ipc.w[1] = Codes.OC_RANGE_IDENTIFY;
                ipc.w[ParameterBlock.SNDCAP] = reg(9);
                ipc.w[ParameterBlock.SNDCAP + 1] = reg(10);
                ipc.send(reg(TestSystem.RANGE), 1, 1, false);
                // Range.rescind(replyEp), answered to replyEp: the endpoint is gone, so is the
                // reply.
                ipc.w[1] = Codes.OC_RANGE_RESCIND;
                ipc.w[ParameterBlock.SNDCAP] = reg(9);
                ipc.w[ParameterBlock.SNDCAP + 1] = reg(10);
                ipc.send(reg(TestSystem.RANGE), 1, 1, false);
              });
      s.give(p, 9, s.k.entry(replyEp, 0));
      s.give(p, 10, s.k.cap(replyEp));
      s.runUntilQuiet(catcher, p);
      assertThat(catcherSaw)
          .containsExactly("ldw=2 w1=" + Long.toHexString(Codes.OT_ENDPOINT) + " ep=7");
      assertThat(s.info(p).exited()).isTrue();
    }
  }
}
