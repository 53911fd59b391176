package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.CapCodes;
import jackal.runtime.idl.coyotos.CapRequestErrorException;
import jackal.runtime.idl.coyotos.KernLogClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's JFR events, read back from a recording of a known scenario. */
class KernelEventsTest {
  static final long SERVICE_ID = 42;
  static final int PAYLOAD = 5;

  @TempDir Path dir;

  /**
   * A client calls an empty-reply server twice (method Cap.getType), logs a line through KernLog,
   * makes one request KernLog refuses, and another process makes a malformed call with no handler.
   */
  private List<RecordedEvent> recordScenario() throws Exception {
    try (Recording rec = new Recording()) {
      for (String e :
          List.of(
              "jackal.SystemCall",
              "jackal.Dispatch",
              "jackal.Steal",
              "jackal.FaultDelivery",
              "jackal.Log")) {
        rec.enable(e);
      }
      rec.start();
      try (TestSystem s = new TestSystem(1)) {
        ObjectRef server = s.emptyReplyServer("server");
        ObjectRef ep = s.endpoint(server, SERVICE_ID);
        ObjectRef client =
            s.process(
                "client",
                sys -> {
                  Ipc ipc = new Ipc(sys);
                  for (int i = 0; i < 2; i++) { // the second call ends the server's first reply
                    ipc.pb.w[1] = CapCodes.OC_getType & 0xFFFF_FFFFL;
                    ipc.call(reg(CapReg.APP0), 1, 0, -1);
                  }
                  KernLogClient log = new KernLogClient(ipc).stringArea(0x100, 512);
                  log.log(reg(TestSystem.KERNLOG), "hello".getBytes(StandardCharsets.UTF_8));
                  try {
                    log.log(reg(TestSystem.KERNLOG), new byte[256]);
                  } catch (CapRequestErrorException expected) {
                    // the second event's result
                  }
                });
        s.give(client, CapReg.APP0, s.k.entry(ep, PAYLOAD));
        ObjectRef faulty =
            s.process(
                "faulty",
                sys -> {
                  ParameterBlock pb = new ParameterBlock();
                  pb.w[0] = Icw.SP | Icw.SG; // gather/scatter: malformed
                  sys.trap(pb);
                });
        s.runUntilQuiet(server, client, faulty);
      }
      rec.stop();
      Path file = dir.resolve("scenario.jfr");
      rec.dump(file);
      assertThat(Files.size(file)).isPositive();
      return RecordingFile.readAllEvents(file);
    }
  }

  private static List<RecordedEvent> named(List<RecordedEvent> all, String name) {
    return all.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
  }

  @Test
  void aCallToAServerIsASystemCallEventWithItsEndpointPayloadMethodAndResult() throws Exception {
    List<RecordedEvent> calls = named(recordScenario(), "jackal.SystemCall");
    RecordedEvent call =
        calls.stream()
            .filter(e -> e.getString("process").startsWith("client#"))
            .filter(e -> "Entry".equals(e.getString("capType")))
            .findFirst()
            .orElseThrow();
    assertThat(call.getString("kind")).isEqualTo("call");
    assertThat(call.getLong("endpointId")).isEqualTo(SERVICE_ID);
    assertThat(call.getLong("payload")).isEqualTo(PAYLOAD);
    assertThat(call.getString("callee")).startsWith("server#");
    assertThat(call.getString("interfaceName")).isEqualTo("coyotos.Cap");
    assertThat(call.getString("method")).isEqualTo("getType");
    assertThat(call.getString("result")).isEqualTo("OK");
    assertThat(call.getDuration().toNanos()).isPositive();
  }

  @Test
  void kernelCapabilityCallsNameTheirInterfaceAndTheirExceptions() throws Exception {
    List<RecordedEvent> logs =
        named(recordScenario(), "jackal.SystemCall").stream()
            .filter(e -> "KernLog".equals(e.getString("capType")))
            .toList();
    assertThat(logs).hasSize(2);
    assertThat(logs)
        .allSatisfy(
            e -> {
              assertThat(e.getString("interfaceName")).isEqualTo("coyotos.KernLog");
              assertThat(e.getString("method")).isEqualTo("log");
            });
    assertThat(logs.get(0).getString("result")).isEqualTo("OK");
    assertThat(logs.get(1).getString("result")).isEqualTo("RequestError");
  }

  @Test
  void theServersReplyIsRecordedAsAReply() throws Exception {
    assertThat(named(recordScenario(), "jackal.SystemCall"))
        .anySatisfy(
            e -> {
              assertThat(e.getString("process")).startsWith("server#");
              assertThat(e.getString("kind")).isEqualTo("reply+receive");
              assertThat(e.getString("callee")).startsWith("client#");
            });
  }

  @Test
  void aLogLineIsTaggedWithTheProcessThatWroteIt() throws Exception {
    List<RecordedEvent> lines = named(recordScenario(), "jackal.Log");
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).getString("process")).startsWith("client#");
    assertThat(lines.get(0).getString("text")).isEqualTo("hello");
  }

  @Test
  void aFaultWithNoHandlerIsAFaultDeliveryToNobodyAndTheResultOfItsCall() throws Exception {
    List<RecordedEvent> all = recordScenario();
    List<RecordedEvent> faults = named(all, "jackal.FaultDelivery");
    assertThat(faults).hasSize(1);
    RecordedEvent f = faults.get(0);
    assertThat(f.getString("process")).startsWith("faulty#");
    assertThat(f.getInt("faultCode")).isEqualTo(FaultCode.MALFORMED_SYSCALL);
    assertThat(f.getString("fault")).isEqualTo(FaultCode.name(FaultCode.MALFORMED_SYSCALL));
    assertThat(f.getString("handlerKind")).isEqualTo("none");
    assertThat(f.getString("handler")).isEmpty();
    // The faulted call never returns: its event is the one a faulted process cannot end. The
    // recording shows the fault, not a result the program never saw.
    assertThat(named(all, "jackal.SystemCall"))
        .noneSatisfy(e -> assertThat(e.getString("process")).startsWith("faulty#"));
  }

  @Test
  void everyProcessThatRanHasDispatchEventsOnItsCpu() throws Exception {
    List<RecordedEvent> dispatches = named(recordScenario(), "jackal.Dispatch");
    for (String name : List.of("server#", "client#", "faulty#")) {
      assertThat(dispatches)
          .as(name)
          .anySatisfy(
              e -> {
                assertThat(e.getString("process")).startsWith(name);
                assertThat(e.getInt("cpu")).isZero();
              });
    }
  }

  @Test
  void anIdleCpuTakingWorkIsAStealEvent() throws Exception {
    try (Recording rec = new Recording()) {
      rec.enable("jackal.Steal");
      rec.start();
      try (TestSystem s = new TestSystem(2)) {
        // Placed round robin: two long yielders on CPU 0, a process with nothing to do on CPU 1,
        // which then goes idle while CPU 0 has work queued. The yielders run long enough (tens of
        // milliseconds) for CPU 1's thread to be scheduled by a loaded host before they end.
        ObjectRef[] ps = new ObjectRef[3];
        for (int i = 0; i < ps.length; i++) {
          int yields = i == 1 ? 0 : 50_000;
          ps[i] =
              s.process(
                  "yielder" + i,
                  sys -> {
                    Ipc ipc = new Ipc(sys);
                    for (int n = 0; n < yields; n++) {
                      ipc.yieldCpu();
                    }
                  });
        }
        s.runUntilQuiet(ps);
      }
      rec.stop();
      Path file = dir.resolve("steal.jfr");
      rec.dump(file);
      List<RecordedEvent> steals = named(RecordingFile.readAllEvents(file), "jackal.Steal");
      assertThat(steals).isNotEmpty();
      // CPU 1 runs out of work first; later either CPU may steal back what the other took.
      assertThat(steals)
          .anySatisfy(
              e -> {
                assertThat(e.getInt("cpu")).isEqualTo(1);
                assertThat(e.getInt("fromCpu")).isZero();
              });
      assertThat(steals)
          .allSatisfy(
              e -> {
                assertThat(e.getString("process")).startsWith("yielder");
                assertThat(e.getInt("cpu")).isNotEqualTo(e.getInt("fromCpu"));
              });
    }
  }
}
