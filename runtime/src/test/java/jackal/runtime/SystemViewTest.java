package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Restr;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.SystemView;
import jackal.kernel.boot.SystemView.ProcessView;
import org.junit.jupiter.api.Test;

/** The capability dump: a model of every object and capability of a kernel. */
class SystemViewTest {

  /** A known image: two processes, a service endpoint, a reply endpoint, a space of two pages. */
  private static Kernel knownImage() {
    Kernel k = Kernel.create(KernelConfig.defaults().withCpus(1));
    ObjectRef server = k.newProcess("server", sys -> {});
    ObjectRef client = k.newProcess("client", sys -> {});
    ObjectRef service = k.newEndpoint();
    k.setRecipient(service, server);
    k.setEndpointId(service, 42);
    ObjectRef reply = k.newEndpoint();
    k.setRecipient(reply, client);
    k.setPayloadMatch(reply);
    ObjectRef top = k.newGpt();
    k.setGpt(top, 16, false, false);
    ObjectRef data = k.newPage();
    ObjectRef code = k.newPage();
    k.setGptSlot(top, 0, k.cap(data));
    k.setGptSlot(top, 1, k.restricted(k.cap(code), Restr.READ_ONLY));
    k.setAddressSpace(client, k.guarded(k.cap(top), 0, 20));
    k.setCapReg(client, CapReg.REPLYEPT, k.cap(reply));
    k.setCapReg(client, CapReg.APP0, k.entry(service, 7));
    k.setCapReg(client, CapReg.APP0 + 1, k.kernelCap(KernelService.KERN_LOG));
    k.setCapReg(server, CapReg.SELF, k.cap(server));
    return k;
  }

  @Test
  void theDumpOfAnUnbootedImageListsExactlyItsObjectsAndCapabilities() {
    try (Kernel k = knownImage()) {
      assertThat(k.view().text())
          .isEqualTo(
              """
              system (not running): 7 objects (2 pages, 0 capability pages, 1 GPTs, \
              2 processes, 2 endpoints)
              process server#0: running, not started, cpu 0
                schedule: Schedule
                reg 2: Process -> server#0
              process client#1: running, not started, cpu 0
                schedule: Schedule
                space: GPT -> gpt#0 (guard 0x0/20)
                reg 1: Endpoint -> endpoint#1
                reg 8: Entry -> endpoint#0 (pp 7)
                reg 9: KernLog
              endpoint#0: id 42, recipient server#0
              endpoint#1: id 0, recipient client#1, payload match at 0
              gpt#0: l2v 16
                slot 0: Page -> page#0
                slot 1: Page -> page#1 (ro)
              pages: page#0-1 (2)
              """);
    }
  }

  @Test
  void theGraphHasANodeForEachProcessAndEndpointAndAnEdgeForEachCapabilityBetweenThem() {
    try (Kernel k = knownImage()) {
      String dot = k.view().dot();
      assertThat(dot).startsWith("digraph jackal {").endsWith("}\n");
      assertThat(dot)
          .contains("process_0 [shape=box")
          .contains("process_1 [shape=box")
          .contains("endpoint_0 [shape=ellipse")
          .contains("endpoint_1 [shape=ellipse")
          .contains("endpoint_0 -> process_0 [style=dashed")
          .contains("process_1 -> endpoint_0 [label=\"reg 8 pp 7\"]")
          .contains("process_1 -> svc_KernLog")
          .contains("process_0 -> process_0 [label=\"reg 2\"]")
          .contains("space_gpt_0 [shape=folder, label=\"gpt#0\\n1 GPTs, 2 pages\"]");
    }
  }

  @Test
  void aRunningSystemsViewShowsWhoWaitsForWhom() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      // The server never receives: its client waits on it for ever.
      ObjectRef server = s.process("deaf", sys -> {});
      ObjectRef ep = s.endpoint(server, 9);
      ObjectRef client =
          s.process(
              "caller",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.call(reg(CapReg.APP0), 1, 0, -1);
              });
      s.give(client, CapReg.APP0, s.k.entry(ep, 1));
      s.runUntilQuiet(server, client);
      SystemView v = s.k.view();
      assertThat(v.running()).isTrue();
      ProcessView caller =
          v.processes().stream().filter(p -> p.label().startsWith("caller#")).findFirst().get();
      ProcessView deaf =
          v.processes().stream().filter(p -> p.label().startsWith("deaf#")).findFirst().get();
      assertThat(caller.waitsFor()).isEqualTo("to send to " + deaf.label() + " (not receiving)");
      assertThat(deaf.state()).isEqualTo("exited");
      assertThat(deaf.senders()).containsExactly(caller.label());
      assertThat(v.cpus()).hasSize(1);
      assertThat(v.cpus().get(0).running()).isEmpty();
    }
  }
}
