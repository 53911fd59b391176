package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.AppNoticeClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** AppNotice delivery (the reference's testAppInt scenario) and indirect strings. */
class NoticeAndStringTest {

  private static String describe(Ipc ipc) {
    if (ipc.endpointId() == -1L && ipc.opcode() == Codes.OC_APP_NOTICE_POST_NOTICE) {
      return "notice 0x" + Long.toHexString(ipc.w[2]);
    }
    return "message " + ipc.w[1] + " on " + ipc.endpointId();
  }

  @Test
  void noticesPostedDuringAClosedWaitArriveAtTheNextOpenWaitOnce() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> bSaw = new CopyOnWriteArrayList<>();
      ObjectRef b =
          s.process(
              "B",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive(); // open wait: A's first notice
                bSaw.add(describe(ipc));
                ipc.receive(true, 5); // closed wait: notices must not wake it
                bSaw.add(describe(ipc));
                ipc.receive(); // open wait: the notice posted during the closed wait, once
                bSaw.add(describe(ipc));
                ipc.receive(); // and then A's last message, not the notice again
                bSaw.add(describe(ipc));
              });
      ObjectRef a =
          s.process(
              "A",
              sys -> {
                Ipc ipc = new Ipc(sys);
                AppNoticeClient noticeClient = new AppNoticeClient(new Ipc(sys));
                noticeClient.postNotice(reg(9), 0x1);
                ipc.yieldCpu(); // B takes the notice and enters its closed wait
                noticeClient.postNotice(reg(9), 0x2);
                noticeClient.postNotice(reg(9), 0x2); // repeated before delivery: arrives once
                noticeClient.postNotice(reg(10), 0xF0); // masked to 0x10 by the capability
                ipc.w[1] = 55;
                ipc.send(reg(8), 1, -1, false); // releases the closed wait (endpoint ID 5)
                ipc.w[1] = 66;
                ipc.send(reg(11), 1, -1, false); // the last message, on endpoint ID 6
              });
      ObjectRef bEp = s.endpoint(b, 5);
      s.give(a, 8, s.k.entry(bEp, 0));
      s.give(a, 9, s.k.appNotice(bEp, ~0));
      s.give(a, 10, s.k.appNotice(bEp, 0x10));
      s.give(a, 11, s.k.entry(s.endpoint(b, 6), 0));
      s.runUntilQuiet(b, a);
      assertThat(bSaw)
          .containsExactly("notice 0x1", "message 55 on 5", "notice 0x12", "message 66 on 6");
    }
  }

  @Test
  void stringLongerThanTheReceiveBoundIsCutAndTheFullLengthReported() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> got = new CopyOnWriteArrayList<>();
      ObjectRef receiver =
          s.process(
              "receiver",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.stringBuffer(0x100, 40);
                ipc.receive();
                byte[] buf = new byte[41];
                sys.read(0x100, buf, 0, 41);
                got.add(
                    "length "
                        + ipc.stringLength()
                        + " truncatedFlag "
                        + ((ipc.w[0] & Icw.NB) != 0));
                got.add("first " + buf[0] + " last " + buf[39] + " after " + buf[40]);
              });
      ObjectRef sender =
          s.process(
              "sender",
              sys -> {
                Ipc ipc = new Ipc(sys);
                byte[] text = new byte[100];
                for (int i = 0; i < text.length; i++) {
                  text[i] = (byte) (i + 1);
                }
                sys.write(0x200, text, 0, text.length);
                ipc.w[1] = 1;
                ipc.string(0x200, 100).send(reg(8), 1, -1, false);
              });
      s.give(sender, 8, s.k.entry(s.endpoint(receiver, 1), 0));
      s.runUntilQuiet(receiver, sender);
      assertThat(got).containsExactly("length 100 truncatedFlag false", "first 1 last 40 after 0");
    }
  }

  @Test
  void stringCrossesPagesBetweenSpacesAndUnreadableSourceFaultsTheSender() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> got = new CopyOnWriteArrayList<>();
      ObjectRef receiver =
          s.process(
              "receiver",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.stringBuffer(0x100, 6000); // spans into a second page
                ipc.receive();
                byte[] buf = new byte[6000];
                sys.read(0x100, buf, 0, 6000);
                int sum = 0;
                for (byte x : buf) {
                  sum += x & 0xFF;
                }
                got.add("len " + ipc.stringLength() + " sum " + sum);
                ipc.receive(); // ready for a second string, which never comes
                got.add("second string arrived");
              });
      ObjectRef sender =
          s.process(
              "sender",
              sys -> {
                Ipc ipc = new Ipc(sys);
                byte[] text = new byte[6000];
                java.util.Arrays.fill(text, (byte) 1);
                sys.write(0x10, text, 0, text.length);
                ipc.w[1] = 1;
                ipc.string(0x10, 6000).send(reg(8), 1, -1, false);
                ipc.string(0x7000, 10).send(reg(8), 1, -1, false); // nothing mapped there
                got.add("not reached");
              });
      for (ObjectRef p : new ObjectRef[] {receiver, sender}) {
        ObjectRef g = s.k.newGpt();
        s.k.setGpt(g, 12, false, false);
        s.k.setGptSlot(g, 0, s.k.cap(s.k.newPage()));
        s.k.setGptSlot(g, 1, s.k.cap(s.k.newPage()));
        s.k.setAddressSpace(p, s.k.guarded(s.k.cap(g), 0, 16));
      }
      s.give(sender, 8, s.k.entry(s.endpoint(receiver, 1), 0));
      s.runUntilQuiet(receiver, sender);
      assertThat(got).as("receiver %s", s.info(receiver)).containsExactly("len 6000 sum 6000");
      assertThat(s.info(sender).faultCode())
          .isEqualTo(jackal.kernel.api.FaultCode.INVALID_DATA_REFERENCE);
      assertThat(s.info(sender).faultInfo()).isEqualTo(0x7000);
    }
  }

  @Test
  void replyCarriesNoStringUnlessTheServerSendsOne() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> got = new CopyOnWriteArrayList<>();
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.stringBuffer(0x100, 200);
                ipc.receive();
                got.add("request string " + ipc.stringLength());
                ipc.replyAndReceive(0, -1); // no string in the reply
              });
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                sys.write(0x10, new byte[100], 0, 100);
                ipc.stringBuffer(0x800, 200);
                ipc.w[1] = 1;
                ipc.string(0x10, 100).callOrThrow(reg(8), 1, 0, -1);
                got.add("reply string " + ipc.stringLength());
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.runUntilQuiet(server, client);
      assertThat(got).containsExactly("request string 100", "reply string 0");
    }
  }
}
