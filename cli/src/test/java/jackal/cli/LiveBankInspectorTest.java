package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.inspect.Inspector;
import jackal.kernel.api.CapLoc;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.BankTree;
import jackal.services.boot.PrimeBank;
import jackal.services.idl.coyotos.RangeClient;
import jackal.services.idl.coyotos.RangeCodes;
import jackal.services.idl.coyotos.SpaceBankClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The inspector of a running system, completed with the bank tree as {@code jackal run --inspect}
 * completes it, serves the banks and objects the bank made after boot: a sub-bank and the page
 * allocated from it appear in the served JSON, and are gone once the sub-bank is destroyed.
 */
class LiveBankInspectorTest {
  private static final int RANGE = 20;
  private static final int CHILD = CapReg.APP0;
  private static final int PAGE = CapReg.APP0 + 1;

  /** Boots the bank and a client that makes a sub-bank and a page (and destroys it if asked). */
  private static String servedBanks(boolean destroy, AtomicLong pageOid) throws Exception {
    KernelConfig cfg =
        KernelConfig.defaults().withConsole(new PrintStream(OutputStream.nullOutputStream()));
    Kernel k = Kernel.create(cfg);
    PrimeBank prime = PrimeBank.build(k, RuntimeLibrary.segment(k));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ObjectRef c =
        k.newProcess(
            "client",
            sys -> {
              try {
                SpaceBankClient bank = new SpaceBankClient(new Ipc(sys));
                long none = CapLoc.reg(CapReg.NULL);
                bank.createChild(CapLoc.reg(CapReg.SPACEBANK), CapLoc.reg(CHILD));
                bank.alloc(
                    CapLoc.reg(CHILD),
                    RangeCodes.obType.otPage,
                    RangeCodes.obType.otInvalid,
                    RangeCodes.obType.otInvalid,
                    CapLoc.reg(PAGE),
                    none,
                    none);
                pageOid.set(
                    new RangeClient(new Ipc(sys))
                        .identify(CapLoc.reg(RANGE), CapLoc.reg(PAGE))
                        .offset());
                if (destroy) {
                  bank.destroy(CapLoc.reg(CHILD));
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, c);
    k.setPayloadMatch(replyEp);
    k.setCapReg(c, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(c, CapReg.SELF, k.cap(c));
    k.setCapReg(c, RANGE, k.kernelCap(KernelService.RANGE));
    k.setAddressSpace(c, k.cap(k.newPage()));
    prime.give(c);
    k.start(prime.process());
    k.start(c);
    try (Kernel running = k.boot()) {
      assertThat(running.awaitQuiescent(Duration.ofSeconds(60))).isTrue();
      assertThat(failure.get()).isNull();
      try (Inspector i = Inspector.start(running, 0, v -> BankTree.attach(running, v));
          InputStream in = i.uri().resolve("api/view").toURL().openStream()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return body.substring(body.indexOf("\"banks\":"));
      }
    }
  }

  @Test
  void theInspectorServesTheSubBankAndPageMadeAfterBoot() throws Exception {
    AtomicLong page = new AtomicLong();
    String banks = servedBanks(false, page);
    assertThat(banks)
        .contains("\"label\":\"prime bank#")
        .contains("\"label\":\"bank#")
        .contains("\"usage\":[1,0,0,0,0],\"owned\":[\"page#" + page.get() + "\"]");
  }

  @Test
  void theInspectorNoLongerServesADestroyedBankOrItsPage() throws Exception {
    AtomicLong page = new AtomicLong();
    String banks = servedBanks(true, page);
    assertThat(banks).contains("\"label\":\"prime bank#").doesNotContain("\"label\":\"bank#");
    assertThat(banks).doesNotContain("page#" + page.get());
  }
}
