package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.idl.coyotos.ProcessClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed system calls fault their caller, and only their caller. */
class FaultTest {

  static Stream<Arguments> malformedCalls() {
    return Stream.of(
        Arguments.of(
            "reserved control-word bit", (Consumer<long[]>) w -> w[0] = Icw.SP | (1L << 30)),
        Arguments.of("gather/scatter bit", (Consumer<long[]>) w -> w[0] = Icw.SP | Icw.SG),
        Arguments.of("reserved system call 1", (Consumer<long[]>) w -> w[0] = 1),
        Arguments.of("reserved system call 15", (Consumer<long[]>) w -> w[0] = 15),
        Arguments.of(
            "CopyCap with other bits", (Consumer<long[]>) w -> w[0] = Syscall.COPY_CAP | Icw.SP),
        Arguments.of(
            "Yield with other bits", (Consumer<long[]>) w -> w[0] = Syscall.YIELD | Icw.RP),
        Arguments.of(
            "invoked register 32",
            (Consumer<long[]>)
                w -> {
                  w[0] = Icw.SP | Icw.makeLdw(1);
                  w[ParameterBlock.INVCAP] = 32L << 1;
                }),
        Arguments.of(
            "string longer than 64 KiB",
            (Consumer<long[]>)
                w -> {
                  w[0] = Icw.SP | Icw.makeLdw(1);
                  w[ParameterBlock.SNDLEN] = Syscall.MAX_SNDLEN + 1;
                }),
        Arguments.of(
            "receive bound over 64 KiB",
            (Consumer<long[]>)
                w -> {
                  w[0] = Icw.RP;
                  w[ParameterBlock.RCVBOUND] = Syscall.MAX_SNDLEN + 1;
                }),
        Arguments.of(
            "receive slot register 40",
            (Consumer<long[]>)
                w -> {
                  w[0] = Icw.RP | Icw.AC | Icw.makeLrc(1);
                  w[ParameterBlock.RCVCAP + 1] = 40L << 1;
                }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedCalls")
  void malformedCallFaultsTheCallerWithMalformedSyscall(String what, Consumer<long[]> fill)
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicInteger returned = new AtomicInteger();
      ObjectRef p =
          s.process(
              "p",
              sys -> {
                ParameterBlock pb = new ParameterBlock();
                fill.accept(pb.w);
                sys.trap(pb);
                returned.incrementAndGet();
              });
      s.runUntilQuiet(p);
      ProcessInfo info = s.info(p);
      assertThat(info.faultCode()).as(what).isEqualTo(FaultCode.MALFORMED_SYSCALL);
      assertThat(info.runState()).isEqualTo(ProcessInfo.FAULTED);
      assertThat(returned).as("the faulting call never returns").hasValue(0);
    }
  }

  @Test
  void malformedControlWordFaultsTheCallerAndHarmsNoOneElse() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      List<String> handlerSaw = new CopyOnWriteArrayList<>();
      AtomicInteger goodReplies = new AtomicInteger();
      ObjectRef handler =
          s.process(
              "handler",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                ipc.receive();
                for (int upcall = 1; ; upcall++) {
                  var st = processClient.getState(reg(CapReg.ARG0));
                  handlerSaw.add(
                      (ipc.opcode() == Codes.OC_PROCESS_HANDLER_HANDLE)
                          + " ep="
                          + ipc.endpointId()
                          + " fc="
                          + ipc.w[2]
                          + " info="
                          + ipc.w[3]
                          + " caps="
                          + ipc.capsReceived()
                          + " state="
                          + st.faultCode());
                  if (upcall == 1) {
                    // Resume: the process re-executes the same malformed call and faults again.
                    processClient.resume(reg(CapReg.ARG0), true);
                  }
                  ipc.receive();
                }
              });
      ObjectRef bad =
          s.process(
              "bad",
              sys -> {
                ParameterBlock pb = new ParameterBlock();
                pb.w[0] = Icw.SP | Icw.makeLdw(1) | (1L << 40);
                sys.trap(pb);
              });
      s.k.setHandler(bad, s.k.entry(s.endpoint(handler, 5), 0));
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                for (; ; ) {
                  ipc.w[1] = ipc.w[2] + 1;
                  ipc.replyAndReceive(1, -1);
                }
              });
      ObjectRef good =
          s.process(
              "good",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int i = 0; i < 10_000; i++) {
                  ipc.w[1] = 1;
                  ipc.w[2] = i;
                  ipc.callOrThrow(reg(8), 2, 0, -1);
                  if (ipc.w[1] == i + 1) {
                    goodReplies.incrementAndGet();
                  }
                }
              });
      s.give(good, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.runUntilQuiet(handler, server, bad, good);
      assertThat(goodReplies).hasValue(10_000);
      assertThat(s.info(good).exited()).isTrue();
      assertThat(s.info(bad).faultCode()).isEqualTo(FaultCode.MALFORMED_SYSCALL);
      assertThat(s.info(bad).runState()).isEqualTo(ProcessInfo.FAULTED);
      assertThat(handlerSaw)
          .containsExactly(
              "true ep=5 fc=1 info=0 caps=2 state=1", "true ep=5 fc=1 info=0 caps=2 state=1");
    }
  }

  @Test
  void faultWithoutHandlerLeavesProcessFaultedUntilResumed() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicInteger after = new AtomicInteger();
      ObjectRef victim =
          s.process(
              "victim",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = Codes.OC_CAP_GET_TYPE;
                // Invoke through a memory capability location: this process's space is a data
                // page, so the capability fetch faults with CapAccessTypeError at the address.
                ipc.call(0x41L, 1, 0, -1);
                after.incrementAndGet();
              });
      ObjectRef rescuer =
          s.process(
              "rescuer",
              sys -> {
                ProcessClient processClient = new ProcessClient(new Ipc(sys));
                var st = processClient.getState(reg(8));
                after.addAndGet((int) st.faultCode() * 1000); // remember the fault code seen
                // Fix the space by giving the victim a capability page, then resume.
                processClient.setSlot(reg(8), Codes.SLOT_ADDR_SPACE, reg(9));
                processClient.resume(reg(8), true);
              });
      s.give(rescuer, 8, s.k.cap(victim));
      s.give(rescuer, 9, s.k.cap(s.k.newCapPage()));
      s.k.start(victim);
      s.boot();
      s.awaitQuiet();
      assertThat(s.info(victim).faultCode()).isEqualTo(FaultCode.CAP_ACCESS_TYPE_ERROR);
      assertThat(s.info(victim).faultInfo()).isEqualTo(0x40L);
      s.k.start(rescuer);
      s.awaitQuiet();
      // The capability page slot holds Null, so the retried call invokes Null and returns.
      assertThat(after).hasValue(FaultCode.CAP_ACCESS_TYPE_ERROR * 1000 + 1);
      assertThat(s.info(victim).exited()).isTrue();
    }
  }
}
