package jackal.image;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.services.space.ProgramLayout;
import org.junit.jupiter.api.Test;

/**
 * The Coyotos test programs of reference section 10, each as an image in {@code coyotos-tests/}
 * booted as {@code jackal run} boots it, with the outcome Coyotos's test checks.
 */
class CoyotosImagesTest {
  @Test
  void helloWorldLogsHelloWorld() throws Exception {
    Booted b = Booted.coyotos("HelloWorld");
    assertThat(b.console()).contains("hello, world");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void nullStreamPassesTheNullStreamChecks() throws Exception {
    Booted b = Booted.coyotos("NullStream");
    assertThat(b.console()).contains("PASS").doesNotContain("FAIL");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void zeroStreamPassesTheZeroStreamChecks() throws Exception {
    Booted b = Booted.coyotos("ZeroStream");
    assertThat(b.console()).contains("PASS").doesNotContain("FAIL");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void captempAllocatesAGptIntoATemporaryRegister() throws Exception {
    Booted b = Booted.coyotos("testCaptemp");
    assertThat(b.console()).contains("Allocation succeeded.");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void theMetaconstructorsCreateAnswersABuilder() throws Exception {
    Booted b = Booted.coyotos("testConstructor");
    assertThat(b.console()).contains("constructor IKT successful");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void aVerifierRequestToABankIsAnUnknownRequest() throws Exception {
    Booted b = Booted.coyotos("testUnknownRequest");
    assertThat(b.console()).contains("Bad request failed as expected.").doesNotContain("FAIL");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void textConsoleShowsWhatTheProgramWrote() throws Exception {
    Booted b = Booted.coyotos("testTextConsole");
    assertThat(b.console())
        .contains("Z\nA\nThe quick brown fox jumps over the lazy dog.\nB\n")
        .doesNotContain("FAIL");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void handlerHearsOfBothChildrensFaultsAsProcessAndMemoryHandler() throws Exception {
    Booted b = Booted.coyotos("testHandler");
    assertThat(b.console())
        .contains("ProcessHandler (payload 0")
        .contains("MemoryHandler (payload 1");
  }

  @Test
  void largeModelTouches4MiBInAProgramSpaceServersSpace() throws Exception {
    Booted b = Booted.coyotos("testLargeModel"); // LargeModel.BYTES is 4 MiB
    assertThat(b.console()).contains("report " + (ProgramLayout.HEAP_BASE + (4L << 20)) + " ");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void virtualCopyModelTouches4MiBInAVirtualCopySpace() throws Exception {
    Booted b = Booted.coyotos("testVirtualCopyModel");
    assertThat(b.console()).contains("report ");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void mallocStopsCleanlyAtTheBanksLimitThenFaultsAtAddressZero() throws Exception {
    Booted b = Booted.coyotos("testMalloc");
    assertThat(b.console()).contains("report ");
    assertThat(b.status()).as(b.console()).isEqualTo(1);
  }

  @Test
  void appIntNoticesArriveInOpenWaitsOnlyAndTheClientThenFaultsOnPurpose() throws Exception {
    Booted b = Booted.coyotos("testAppInt");
    assertThat(b.console().lines().filter(l -> l.contains("Received notices")))
        .as(b.console())
        .hasSize(3)
        .satisfiesExactly(
            l -> assertThat(l).endsWith("0x00000001"),
            l -> assertThat(l).endsWith("0x00000004"),
            l -> assertThat(l).endsWith("0x00000002"));
    assertThat(b.console()).contains("test complete.").doesNotContain("FAIL");
    assertThat(b.status()).as("B's fault at address 0 is nobody's").isEqualTo(1);
  }
}
