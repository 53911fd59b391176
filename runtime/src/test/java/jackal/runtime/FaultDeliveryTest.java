package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.idl.coyotos.AddressSpaceClient;
import jackal.runtime.idl.coyotos.ProcessClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * When a fault is recorded and who is offered it, as in Coyotos's proc_deliver_memory_fault and
 * proc_handle_process_fault: a memory handler is offered a fault once, when it happens, and a
 * process records the fault only once that offer has been delivered.
 */
class FaultDeliveryTest {

  /** A handler that records every upcall ("memory" or "process", code, info) and then waits. */
  private static ObjectRef recordingHandler(TestSystem s, String name, List<String> log) {
    return s.process(
        name,
        sys -> {
          Ipc ipc = new Ipc(sys);
          ipc.receive();
          for (; ; ) {
            log.add(describe(ipc));
            ipc.receive();
          }
        });
  }

  private static String describe(Ipc ipc) {
    String kind =
        ipc.opcode() == Codes.OC_MEMORY_HANDLER_HANDLE
            ? "memory"
            : ipc.opcode() == Codes.OC_PROCESS_HANDLER_HANDLE ? "process" : "other";
    return kind + " fc=" + ipc.w[2] + " at=" + Long.toHexString(ipc.w[3]);
  }

  /** A GPT of 16 4-KiB slots, all empty, with its memory handler bit set and slot 15 given. */
  private static ObjectRef handledGpt(TestSystem s, CapRef handlerEntry) {
    ObjectRef g = s.k.newGpt();
    s.k.setGpt(g, 12, true, false);
    s.k.setGptSlot(g, 15, handlerEntry);
    return g;
  }

  @Test
  void memoryFaultResumedWithoutCancelGoesToTheProcessHandler() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> pagerSaw = new CopyOnWriteArrayList<>();
      List<String> keeperSaw = new CopyOnWriteArrayList<>();
      // The pager cannot fix this fault (as ElfSpace does with an address outside every
      // region): it resumes the faulter without cancelling the fault.
      ObjectRef pager =
          s.process(
              "pager",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                ipc.receive();
                for (int upcall = 1; ; upcall++) {
                  pagerSaw.add(describe(ipc));
                  if (upcall == 1) {
                    processClient.resume(reg(CapReg.ARG0), false);
                  }
                  ipc.receive();
                }
              });
      ObjectRef keeper =
          s.process(
              "keeper",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                ipc.receive();
                for (; ; ) {
                  var st = processClient.getState(reg(CapReg.ARG0));
                  keeperSaw.add(
                      describe(ipc)
                          + " state="
                          + st.faultCode()
                          + " "
                          + Long.toHexString(st.faultInfo()));
                  ipc.receive();
                }
              });
      ObjectRef g = handledGpt(s, s.k.entry(s.endpoint(pager, 1), 0));
      ObjectRef child =
          s.process(
              "child",
              sys -> {
                sys.loadByte(0x3008); // slot 3 is empty
              });
      s.k.setAddressSpace(child, s.k.guarded(s.k.cap(g), 0, 16));
      s.k.setHandler(child, s.k.entry(s.endpoint(keeper, 2), 0));
      s.runUntilQuiet(pager, keeper, child);
      assertThat(pagerSaw).as("offered to the pager once").containsExactly("memory fc=4 at=3008");
      assertThat(keeperSaw).containsExactly("process fc=4 at=3008 state=4 3008");
      ProcessInfo info = s.info(child);
      assertThat(info.runState()).isEqualTo(ProcessInfo.FAULTED);
      assertThat(info.faultCode()).isEqualTo(FaultCode.INVALID_DATA_REFERENCE);
      assertThat(info.faultInfo()).isEqualTo(0x3008L);
    }
  }

  @Test
  void faulterRecordsNothingWhileTheMemoryHandlerIsBusyAndRetriesItsAccessWhenWoken()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> pagerSaw = new CopyOnWriteArrayList<>();
      List<String> log = new CopyOnWriteArrayList<>();
      ObjectRef pager = recordingHandler(s, "pager", pagerSaw); // started last: busy till then
      ObjectRef g = handledGpt(s, s.k.entry(s.endpoint(pager, 1), 0));
      ObjectRef page = s.k.newPage();
      s.k.writePage(page, 8, new byte[] {0x5A});
      ObjectRef child = s.process("child", sys -> log.add("child read " + sys.loadByte(0x3008)));
      s.k.setAddressSpace(child, s.k.guarded(s.k.cap(g), 0, 16));
      // Someone else repairs the space while the child waits for the pager.
      ObjectRef fixer =
          s.process(
              "fixer",
              sys -> {
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                var st = processClient.getState(reg(8));
                log.add("state while waiting " + st.faultCode() + " " + st.faultInfo());
                new AddressSpaceClient(new Ipc(sys)).setSlot(reg(9), 3, reg(10));
              });
      s.give(fixer, 8, s.k.cap(child));
      s.give(fixer, 9, s.k.cap(g));
      s.give(fixer, 10, s.k.cap(page));

      s.runUntilQuiet(child);
      ProcessInfo waiting = s.info(child);
      assertThat(waiting.exited()).isFalse();
      assertThat(waiting.runState()).isEqualTo(ProcessInfo.RUNNING);
      assertThat(waiting.faultCode()).isZero();
      assertThat(waiting.faultInfo()).isZero();

      s.k.start(fixer);
      s.awaitQuiet();
      s.k.start(pager); // its first receive wakes the child, whose access now succeeds
      s.awaitQuiet();
      assertThat(log).containsExactly("state while waiting 0 0", "child read 90");
      assertThat(pagerSaw).as("no upcall for a fault that is gone").isEmpty();
      assertThat(s.info(child).exited()).isTrue();
    }
  }

  @Test
  void receiveBufferFaultIsOfferedToTheReceiversMemoryHandlerAndTheMessageArrivesAfterRepair()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> log = new CopyOnWriteArrayList<>();
      ObjectRef page = s.k.newPage();
      ObjectRef pager =
          s.process(
              "pager",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                ipc.receive();
                for (; ; ) {
                  log.add("pager " + describe(ipc));
                  new AddressSpaceClient(new Ipc(sys)).setSlot(reg(CapReg.ARG1), 3, reg(8));
                  processClient.resume(reg(CapReg.ARG0), true);
                  ipc.receive();
                }
              });
      s.give(pager, 8, s.k.cap(page));
      ObjectRef g = handledGpt(s, s.k.entry(s.endpoint(pager, 1), 0));
      s.k.setGptSlot(g, 0, s.k.cap(s.k.newPage()));
      ObjectRef receiver =
          s.process(
              "receiver",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.stringBuffer(0x3000, 16); // slot 3: not mapped yet
                ipc.receive();
                byte[] got = new byte[3];
                sys.read(0x3000, got, 0, 3);
                log.add("receiver got " + ipc.w[1] + " " + new String(got, UTF_8));
              });
      s.k.setAddressSpace(receiver, s.k.guarded(s.k.cap(g), 0, 16));
      ObjectRef sender =
          s.process(
              "sender",
              sys -> {
                Ipc ipc = new Ipc(sys);
                sys.write(0x10, "abc".getBytes(UTF_8), 0, 3);
                ipc.w[1] = 42;
                ipc.string(0x10, 3).send(reg(8), 1, -1, false);
                log.add("sender done");
              });
      s.give(sender, 8, s.k.entry(s.endpoint(receiver, 3), 0));
      s.runUntilQuiet(pager, receiver, sender);
      assertThat(log)
          .startsWith("pager memory fc=4 at=3000")
          .contains("sender done", "receiver got 42 abc")
          .hasSize(3);
      assertThat(s.k.readPage(page, 0, 3)).isEqualTo("abc".getBytes(UTF_8));
    }
  }

  @Test
  void receiverRecordsNothingWhileItsMemoryHandlerIsBusyAndTheSenderRetries() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> pagerSaw = new CopyOnWriteArrayList<>();
      List<String> log = new CopyOnWriteArrayList<>();
      ObjectRef pager = recordingHandler(s, "pager", pagerSaw); // started last: busy till then
      ObjectRef g = handledGpt(s, s.k.entry(s.endpoint(pager, 1), 0));
      s.k.setGptSlot(g, 0, s.k.cap(s.k.newPage()));
      ObjectRef receiver =
          s.process(
              "receiver",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.stringBuffer(0x3000, 16); // slot 3: not mapped yet
                ipc.receive();
                log.add("receiver got " + ipc.w[1] + " length " + ipc.stringLength());
              });
      s.k.setAddressSpace(receiver, s.k.guarded(s.k.cap(g), 0, 16));
      ObjectRef sender =
          s.process(
              "sender",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 42;
                ipc.string(0x10, 3).send(reg(8), 1, -1, false);
                log.add("sender done");
              });
      s.give(sender, 8, s.k.entry(s.endpoint(receiver, 3), 0));
      s.runUntilQuiet(receiver, sender);
      ProcessInfo waiting = s.info(receiver);
      assertThat(waiting.runState()).isEqualTo(ProcessInfo.RECEIVING);
      assertThat(waiting.faultCode()).isZero();
      assertThat(waiting.faultInfo()).isZero();
      assertThat(log).as("the sender waits for the pager").isEmpty();

      s.k.setGptSlot(g, 3, s.k.cap(s.k.newPage())); // repaired while the pager is busy
      s.k.start(pager);
      s.awaitQuiet();
      assertThat(pagerSaw).isEmpty();
      assertThat(log).containsExactlyInAnyOrder("sender done", "receiver got 42 length 3");
    }
  }

  @Test
  void pagerWhoseReceiveSlotFaultsTakesThatFaultAsAProcessFaultWithoutPagingItself()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> keeperSaw = new CopyOnWriteArrayList<>();
      ObjectRef keeper = recordingHandler(s, "keeper", keeperSaw);
      // The pager pages its own space too, and receives a capability into a slot of that space
      // that is not mapped: offering its fault to its memory handler would be offering it to
      // itself, in the middle of delivering to itself.
      ObjectRef pager =
          s.process(
              "pager",
              sys -> {
                ParameterBlock pb = new ParameterBlock();
                pb.w[ParameterBlock.ICW] = Syscall.INVOKE_CAP | Icw.RP | Icw.AC | Icw.makeLrc(1);
                pb.w[ParameterBlock.RCVCAP] = CapLoc.reg(CapReg.RETURN);
                pb.w[ParameterBlock.RCVCAP + 1] = CapLoc.mem(0x3000);
                sys.trap(pb);
              });
      ObjectRef pagerEp = s.endpoint(pager, 1);
      ObjectRef pagerSpace = handledGpt(s, s.k.entry(pagerEp, 0));
      s.k.setAddressSpace(pager, s.k.guarded(s.k.cap(pagerSpace), 0, 16));
      s.k.setHandler(pager, s.k.entry(s.endpoint(keeper, 2), 0));
      ObjectRef g = handledGpt(s, s.k.entry(pagerEp, 0));
      ObjectRef child = s.process("child", sys -> sys.loadByte(0x5000));
      s.k.setAddressSpace(child, s.k.guarded(s.k.cap(g), 0, 16));
      s.runUntilQuiet(keeper, pager, child);
      assertThat(keeperSaw).containsExactly("process fc=5 at=3000");
      assertThat(s.info(pager).runState()).isEqualTo(ProcessInfo.FAULTED);
      ProcessInfo waiting = s.info(child);
      assertThat(waiting.runState()).as("waits for the pager").isEqualTo(ProcessInfo.RUNNING);
      assertThat(waiting.faultCode()).isZero();
    }
  }

  @Test
  void gptWhoseSlotIndexIsOutOfRangeDoesNotOfferTheFaultToItsMemoryHandler() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> pagerSaw = new CopyOnWriteArrayList<>();
      List<String> keeperSaw = new CopyOnWriteArrayList<>();
      ObjectRef pager = recordingHandler(s, "pager", pagerSaw);
      ObjectRef keeper = recordingHandler(s, "keeper", keeperSaw);
      ObjectRef g = handledGpt(s, s.k.entry(s.endpoint(pager, 1), 0));
      // The guard lets addresses up to fffff reach the GPT, whose 16 slots end at ffff.
      ObjectRef child = s.process("child", sys -> sys.loadByte(0x20000));
      s.k.setAddressSpace(child, s.k.guarded(s.k.cap(g), 0, 20));
      s.k.setHandler(child, s.k.entry(s.endpoint(keeper, 2), 0));
      s.runUntilQuiet(pager, keeper, child);
      assertThat(pagerSaw).isEmpty();
      assertThat(keeperSaw).containsExactly("process fc=4 at=20000");
      assertThat(s.info(child).faultCode()).isEqualTo(FaultCode.INVALID_DATA_REFERENCE);
    }
  }

  @Test
  void faultAtAnOutOfRangeSlotGoesToTheMemoryHandlerOfTheGptAbove() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> outerSaw = new CopyOnWriteArrayList<>();
      List<String> innerSaw = new CopyOnWriteArrayList<>();
      ObjectRef outerPager = recordingHandler(s, "outer pager", outerSaw);
      ObjectRef innerPager = recordingHandler(s, "inner pager", innerSaw);
      ObjectRef outer = handledGpt(s, s.k.entry(s.endpoint(outerPager, 1), 0));
      s.k.setGpt(outer, 16, true, false);
      // The inner GPT has a background space, so only its slots 0-7 are addressable.
      ObjectRef inner = s.k.newGpt();
      s.k.setGpt(inner, 12, true, true);
      s.k.setGptSlot(inner, 15, s.k.entry(s.endpoint(innerPager, 2), 0));
      s.k.setGptSlot(outer, 2, s.k.guarded(s.k.cap(inner), 0, 16));
      ObjectRef child = s.process("child", sys -> sys.loadByte(0x28010)); // inner slot 8
      s.k.setAddressSpace(child, s.k.guarded(s.k.cap(outer), 0, 20));
      s.runUntilQuiet(outerPager, innerPager, child);
      assertThat(innerSaw).isEmpty();
      assertThat(outerSaw).containsExactly("memory fc=4 at=28010");
      assertThat(s.info(child).runState()).isEqualTo(ProcessInfo.FAULTED);
    }
  }
}
