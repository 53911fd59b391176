package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.DiscrimClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Endpoint and IPC semantics of the reference, section 3, each shown on a booted system. */
class IpcSemanticsTest {

  @Test
  void callAndReplyThroughEntryCapWithReplyCapability() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicLong reply = new AtomicLong();
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                ipc.w[1] = ipc.w[2] * 2;
                ipc.replyAndReceive(1, -1);
              });
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 1;
                ipc.w[2] = 21;
                ipc.callOrThrow(reg(8), 2, 0, -1);
                reply.set(ipc.w[1]);
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 3), 0));
      s.runUntilQuiet(server, client);
      assertThat(reply.get()).isEqualTo(42);
      assertThat(s.info(client).exited()).isTrue();
      assertThat(s.info(server).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  @Test
  void receiverSeesPayloadAndEndpointIdButNotTheSender() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> seen = new CopyOnWriteArrayList<>();
      ObjectRef receiver =
          s.process(
              "receiver",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int i = 0; i < 2; i++) {
                  ipc.receive();
                  seen.add(
                      "pp="
                          + ipc.payload()
                          + " ep="
                          + ipc.endpointId()
                          + " ldw="
                          + ipc.lastDataWord()
                          + " w1="
                          + ipc.w[1]
                          + " w2="
                          + ipc.w[2]
                          + " caps="
                          + ipc.capsReceived());
                }
              });
      ObjectRef ep = s.endpoint(receiver, 0xABCDEF0123L);
      ProgramSender sender = new ProgramSender();
      ObjectRef a = s.process("a", sender::send);
      ObjectRef b = s.process("b", sender::send);
      s.give(a, 8, s.k.entry(ep, 1234));
      s.give(b, 8, s.k.entry(ep, 1234));
      s.runUntilQuiet(receiver, a, b);
      assertThat(seen)
          .containsExactly(
              "pp=1234 ep=" + 0xABCDEF0123L + " ldw=2 w1=5 w2=6 caps=0",
              "pp=1234 ep=" + 0xABCDEF0123L + " ldw=2 w1=5 w2=6 caps=0");
    }
  }

  /** Two different senders, same message: the receiver must not be able to tell them apart. */
  static final class ProgramSender {
    void send(jackal.kernel.api.SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      ipc.w[1] = 5;
      ipc.w[2] = 6;
      ipc.send(reg(8), 2, -1, false);
    }
  }

  @Test
  void fourCapabilitiesTravelInOrder() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<Long> types = new CopyOnWriteArrayList<>();
      ObjectRef receiver =
          s.process(
              "receiver",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                types.add((long) ipc.capsReceived());
                CapClient capClient = new CapClient(new Ipc(sys));
                for (int r : new int[] {CapReg.RETURN, CapReg.ARG0, CapReg.ARG1, CapReg.ARG2}) {
                  types.add(capClient.getType(reg(r)));
                }
              });
      ObjectRef sender =
          s.process(
              "sender",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 99;
                ipc.w[ParameterBlock.SNDCAP] = reg(TestSystem.RANGE);
                ipc.w[ParameterBlock.SNDCAP + 1] = reg(TestSystem.DISCRIM);
                ipc.w[ParameterBlock.SNDCAP + 2] = reg(TestSystem.KERNLOG);
                ipc.w[ParameterBlock.SNDCAP + 3] = reg(TestSystem.CAPBITS);
                ipc.send(reg(8), 1, 3, false);
              });
      s.give(sender, 8, s.k.entry(s.endpoint(receiver, 1), 0));
      s.runUntilQuiet(receiver, sender);
      assertThat(types)
          .containsExactly(
              4L, Codes.IKT_RANGE, Codes.IKT_DISCRIM, Codes.IKT_KERN_LOG, Codes.IKT_CAP_BITS);
    }
  }

  @Test
  void closedWaitIgnoresSenderOnAnotherEndpointAndReceivesTheRightOne() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<Long> order = new CopyOnWriteArrayList<>();
      ObjectRef receiver =
          s.process(
              "receiver",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive(true, 2); // closed wait: only endpoint ID 2
                order.add(ipc.endpointId() * 100 + ipc.w[1]);
                ipc.receive(); // open wait: the waiting sender on endpoint 1 now gets through
                order.add(ipc.endpointId() * 100 + ipc.w[1]);
              });
      ObjectRef ep1 = s.endpoint(receiver, 1);
      ObjectRef ep2 = s.endpoint(receiver, 2);
      ObjectRef first =
          s.process(
              "first",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 11;
                ipc.send(reg(8), 1, -1, false);
              });
      ObjectRef second =
          s.process(
              "second",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 22;
                ipc.send(reg(8), 1, -1, false);
              });
      s.give(first, 8, s.k.entry(ep1, 0));
      s.give(second, 8, s.k.entry(ep2, 0));
      s.runUntilQuiet(receiver, first, second); // one CPU: first sends before second
      assertThat(order).containsExactly(222L, 111L);
      assertThat(s.info(first).exited()).isTrue();
    }
  }

  @Test
  void nonBlockingSendToBusyReceiverIsDroppedAndSenderDoesNotBlock() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicInteger received = new AtomicInteger();
      AtomicBoolean senderFinished = new AtomicBoolean();
      // Busy: waits in a closed wait for an endpoint nobody uses.
      ObjectRef busy =
          s.process(
              "busy",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive(true, 99);
                received.incrementAndGet();
              });
      // Never started, so never receiving at all.
      ObjectRef idle = s.process("idle", sys -> received.incrementAndGet());
      ObjectRef sender =
          s.process(
              "sender",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 1;
                ipc.send(reg(8), 1, -1, true);
                ipc.send(reg(9), 1, -1, true);
                senderFinished.set(true);
              });
      s.give(sender, 8, s.k.entry(s.endpoint(busy, 1), 0));
      s.give(sender, 9, s.k.entry(s.endpoint(idle, 1), 0));
      s.runUntilQuiet(busy, sender);
      assertThat(senderFinished).isTrue();
      assertThat(received).hasValue(0);
      assertThat(s.info(busy).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  @Test
  void blockingSenderWaitsUntilReceiverIsReady() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> log = new CopyOnWriteArrayList<>();
      ObjectRef receiver =
          s.process(
              "receiver",
              sys -> {
                Ipc ipc = new Ipc(sys);
                log.add("receiver yields first");
                ipc.yieldCpu();
                ipc.receive();
                log.add("received " + ipc.w[1]);
              });
      ObjectRef sender =
          s.process(
              "sender",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 7;
                ipc.send(reg(8), 1, -1, false);
                log.add("sender done");
              });
      s.give(sender, 8, s.k.entry(s.endpoint(receiver, 1), 0));
      s.runUntilQuiet(receiver, sender);
      // The sender found the receiver not receiving and waited on its queue; the receiver's
      // receive woke it; it delivered and, with no receive phase of its own, kept the CPU.
      assertThat(log).containsExactly("receiver yields first", "sender done", "received 7");
    }
  }

  @Test
  void entryCapToPayloadMatchEndpointWorksOnceAsReplyCapability() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<Long> clientGot = new CopyOnWriteArrayList<>();
      AtomicLong staleClass = new AtomicLong(-1);
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                ipc.copyCap(reg(CapReg.RETURN), reg(10)); // keep a copy of the reply capability
                ipc.w[1] = 1;
                ipc.send(reg(CapReg.RETURN), 1, -1, true); // the reply: delivered
                ipc.w[1] = 2;
                ipc.send(reg(10), 1, -1, true); // a second reply through the same capability
                staleClass.set(
                    new DiscrimClient(new Ipc(sys)).classify(reg(TestSystem.DISCRIM), reg(10)));
              });
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 1;
                ipc.callOrThrow(reg(8), 1, 0, -1);
                clientGot.add(ipc.w[1]);
                ipc.receive(true, 0); // wait for a second reply on the reply endpoint's ID
                clientGot.add(ipc.w[1]);
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.runUntilQuiet(server, client);
      assertThat(clientGot).containsExactly(1L);
      assertThat(s.info(client).runState()).isEqualTo(ProcessInfo.RECEIVING);
      assertThat(staleClass).hasValue(Codes.CL_NULL);
      assertThat(s.k.protectedPayload(s.replyEndpoint(client))).isEqualTo(1);
    }
  }

  /**
   * The kernel reuses the object of a reply capability when the next call's reply capability goes
   * into the same register (no allocation per call), but only while that register is the object's
   * one holder. A copy taken of it must keep its own value: after later calls reuse the register,
   * the copy is still the stale capability of the call it came with, never the current one.
   */
  @Test
  void aCopyOfAReplyCapabilityStaysStaleWhileLaterCallsReuseItsRegister() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<Integer> classes = new CopyOnWriteArrayList<>();
      List<Long> answers = new CopyOnWriteArrayList<>();
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                DiscrimClient discrim = new DiscrimClient(new Ipc(sys));
                ipc.receive(); // call 1: a new reply capability in RETURN
                ipc.w[1] = 1;
                ipc.replyAndReceive(1, -1); // call 2: the same object, reissued
                ipc.copyCap(reg(CapReg.RETURN), reg(10)); // the copy the attack keeps
                ipc.w[1] = 2;
                ipc.replyAndReceive(1, -1); // call 3
                classes.add(discrim.classify(reg(TestSystem.DISCRIM), reg(10)));
                ipc.w[1] = 3;
                ipc.replyAndReceive(1, -1); // call 4: RETURN's object reissued again
                classes.add(discrim.classify(reg(TestSystem.DISCRIM), reg(10)));
                ipc.w[1] = 4;
                ipc.send(reg(10), 1, -1, true); // through the copy: must go nowhere
                ipc.w[1] = 5;
                ipc.replyAndReceive(1, -1); // the real reply
              });
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int i = 0; i < 4; i++) {
                  ipc.callOrThrow(reg(8), 0, -1, -1);
                  answers.add(ipc.w[1]);
                }
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.runUntilQuiet(server, client);
      assertThat(answers).containsExactly(1L, 2L, 3L, 5L);
      assertThat(classes).containsExactly(Codes.CL_NULL, Codes.CL_NULL);
      assertThat(s.k.protectedPayload(s.replyEndpoint(client))).isEqualTo(4);
    }
  }
}
