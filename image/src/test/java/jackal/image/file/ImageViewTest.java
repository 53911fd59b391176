package jackal.image.file;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Restr;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.SystemView;
import jackal.kernel.boot.SystemView.BankView;
import jackal.kernel.boot.SystemView.PageView;
import jackal.kernel.boot.SystemView.ProcessView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jackal image show} and {@code jackal run --dump} render one model ({@link SystemView}):
 * the show of a file is the dump of the kernel it was built from, and of the system it boots.
 */
class ImageViewTest {
  @TempDir Path dir;

  /**
   * A known image: a server and a client (without programs, so not started), a space of two pages,
   * a capability page with a window.
   */
  private static byte[] knownFile() throws Exception {
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      ObjectRef server = k.newProcess("server");
      ObjectRef client = k.newProcess("client");
      ObjectRef ep = k.newEndpoint();
      k.setRecipient(ep, server);
      k.setEndpointId(ep, 42);
      ObjectRef g = k.newGpt();
      k.setGpt(g, 12, false, false);
      ObjectRef page = k.newPage();
      k.writePage(page, 0, "hello".getBytes(StandardCharsets.UTF_8));
      ObjectRef empty = k.newPage();
      k.setGptSlot(g, 0, k.restricted(k.cap(page), Restr.READ_ONLY));
      k.setGptSlot(g, 1, k.cap(empty));
      ObjectRef cp = k.newCapPage();
      k.setCapPageSlot(cp, 7, k.window(0x2000, 0, 12));
      k.setAddressSpace(client, k.guarded(k.cap(g), 0, 16));
      k.setCapReg(client, 8, k.entry(ep, 3));
      k.setCapReg(client, 9, k.kernelCap(KernelService.KERN_LOG));
      k.setCapReg(server, 4, k.cap(cp));
      return ImageFile.encode(KernelImage.exportFrom(k));
    }
  }

  @Test
  void theShowOfAFileListsExactlyTheObjectsAndCapabilitiesItsImageMade() throws Exception {
    SystemView v = ImageView.of(ImageFile.decode(knownFile(), "known.jkimg"));
    assertThat(v.text())
        .isEqualTo(
            """
            system (not running): 7 objects (2 pages, 1 capability pages, 1 GPTs, 2 processes, \
            1 endpoints)
            process server#0: running, not started, cpu 0
              schedule: Schedule
              reg 4: CapPage -> cappage#0
            process client#1: running, not started, cpu 0
              schedule: Schedule
              space: GPT -> gpt#0 (guard 0x0/16)
              reg 8: Entry -> endpoint#0 (pp 3)
              reg 9: KernLog
            endpoint#0: id 42, recipient server#0
            gpt#0: l2v 12
              slot 0: Page -> page#0 (ro)
              slot 1: Page -> page#1
            cappage#0
              slot 7: Window (offset 0x2000, guard 0x0/12)
            pages: page#0-1 (2)
              holding data: page#0 (1), 5 non-zero bytes
            """);
    assertThat(v.dot())
        .contains("process_1 -> endpoint_0 [label=\"reg 8 pp 3\"]")
        .contains("endpoint_0 -> process_0 [style=dashed, label=\"recipient\"]")
        .contains("process_1 -> svc_KernLog");
  }

  @Test
  void theShowOfAFileIsTheDumpOfTheKernelItWasBuiltFrom() throws Exception {
    String text;
    String dot;
    byte[] file;
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      Images.incrementPair(k);
      file = ImageFile.encode(KernelImage.exportFrom(k));
      text = k.view().text();
      dot = k.view().dot();
    }
    SystemView shown = ImageView.of(ImageFile.decode(file, "increment.jkimg"));
    assertThat(shown.text()).isEqualTo(text);
    assertThat(shown.dot()).isEqualTo(dot);
    assertThat(shown.runList()).containsExactly("server#0", "client#1");
  }

  @Test
  void theDumpOfTheSystemAFileBootsListsTheSameObjectsAndTheCapabilitiesNoProgramChanged()
      throws Exception {
    byte[] file = Images.incrementPairFile();
    ImageFile.Parsed parsed = ImageFile.decode(file, "increment.jkimg");
    SystemView shown = ImageView.of(parsed);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    SystemView dumped;
    try (Kernel k =
        Kernel.create(Images.config(new PrintStream(console, true, StandardCharsets.UTF_8)))) {
      for (ObjectRef p : parsed.loadInto(k)) {
        k.start(p);
      }
      try (Kernel running = k.boot()) {
        assertThat(running.awaitHalt(Duration.ofSeconds(20))).isPresent();
        dumped = running.view();
      }
    }
    assertThat(dumped.running()).isTrue();
    assertThat(dumped.runList()).isEmpty();
    assertThat(dumped.summary()).isEqualTo(shown.summary());
    assertThat(labels(dumped.processes())).isEqualTo(labels(shown.processes()));
    // A reply endpoint's payload moves on with each call, and programs write their data pages.
    assertThat(endpoints(dumped)).isEqualTo(endpoints(shown));
    assertThat(dumped.gpts()).isEqualTo(shown.gpts());
    assertThat(dumped.capPages()).isEqualTo(shown.capPages());
    assertThat(dumped.pages().stream().map(PageView::oid).toList())
        .isEqualTo(shown.pages().stream().map(PageView::oid).toList());
    // The client's service capability and kernel capabilities are where the image put them.
    ProcessView client = dumped.processes().get(1);
    assertThat(client.slots().stream().map(s -> s.slot() + ": " + s.cap().text()))
        .contains("reg 8: Entry -> endpoint#0 (pp 7)", "reg 10: SysCtl");
    assertThat(dumped.text()).contains("process client#1: ").contains("cpu 0: ");
  }

  @Test
  void theShowOfAnImageWithBanksListsItsBankTreeWithLimitsUsageAndWhatEachOwns() throws Exception {
    Path src = dir.resolve("banks.mki");
    Files.writeString(
        src,
        """
        module banks {
          def b = new Bank(PrimeBank);
          bank_limit(b, "Page", 3);
          def c = new Bank(b);
          def pg = new Page(c);
          def worker = new Process(b);
          def ep = new Endpoint(PrimeBank);
        }
        """);
    byte[] bytes =
        ImageBuild.build(
            src,
            List.of(),
            KernelConfig.defaults().withCpus(1).withCpusPerNode(1),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    SystemView v = ImageView.of(ImageFile.decode(bytes, "banks.jkimg"));
    assertThat(v.banks()).hasSize(3);
    BankView prime = v.banks().get(0);
    BankView b = v.banks().get(1);
    BankView c = v.banks().get(2);
    assertThat(prime.parentOid()).isEqualTo(-1);
    assertThat(b.parentOid()).isEqualTo(prime.endpointOid());
    assertThat(c.parentOid()).isEqualTo(b.endpointOid());
    // Usage by type (page, cappage, gpt, process, endpoint): c's endpoint is b's, b's the prime's.
    assertThat(c.usage()).containsExactly(1L, 0L, 0L, 0L, 0L);
    assertThat(b.usage()).containsExactly(1L, 0L, 0L, 1L, 1L);
    assertThat(b.limits()).containsExactly(3L, -1L, -1L, -1L, -1L);
    assertThat(c.owned()).hasSize(1).allSatisfy(o -> assertThat(o).startsWith("page#"));
    long worker =
        v.processes().stream().filter(p -> p.label().startsWith("worker#")).findFirst().get().oid();
    assertThat(b.owned()).containsExactly("process#" + worker);
    assertThat(prime.owned()).anySatisfy(o -> assertThat(o).startsWith("endpoint#"));
    assertThat(v.text())
        .contains("banks (as the image gives them to the space bank):\n  prime bank#")
        .contains(
            "  bank#"
                + b.endpointOid()
                + " (in bank#"
                + prime.endpointOid()
                + "): usage 1 page, 1 process, 1 endpoint, limits 3 page\n    owns worker#"
                + worker
                + "\n")
        .contains(
            "  bank#"
                + c.endpointOid()
                + " (in bank#"
                + b.endpointOid()
                + "): usage 1 page, limits none\n    owns page#");
    assertThat(v.dot())
        .contains("bank_" + b.endpointOid() + " -> bank_" + c.endpointOid() + " [style=bold")
        .contains("bank_" + b.endpointOid() + " -> process_" + worker + " [style=dotted");
  }

  private static List<String> endpoints(SystemView v) {
    return v.endpoints().stream()
        .map(e -> e.label() + " id " + e.endpointId() + " to " + e.recipient())
        .toList();
  }

  private static List<String> labels(List<ProcessView> processes) {
    return processes.stream().map(ProcessView::label).toList();
  }
}
