package jackal.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples under {@code examples/}, users' own Maven projects built by the reactor before these
 * tests, booted from their images as {@code ./jackal run examples/NAME/NAME.mki} boots them.
 */
class ExamplesTest {
  private static Path example(String name) {
    return Path.of(System.getProperty("basedir", "."))
        .resolve("../examples")
        .resolve(name)
        .resolve(name + ".mki")
        .normalize();
  }

  @Test
  void helloExampleLogsHelloWorldAndEndsCleanly() throws Exception {
    Booted b = Booted.boot(example("hello"), List.of());
    assertThat(b.console()).contains("hello, world");
    assertThat(b.status()).as(b.console() + b.errors()).isZero();
  }

  @Test
  void keyValueExampleStoresReadsAndRefusesAWriteThroughTheReadOnlyFacet() throws Exception {
    Booted b = Booted.boot(example("kv"), List.of());
    assertThat(b.console())
        .contains(
            "kv: get 1 = hello from the store",
            "kv: read-only get 1 = hello from the store",
            "kv: read-only put refused (NoAccess)",
            "kv: get 2 = NotFound",
            "kv: size = 1, get 1 = hello from the store")
        .doesNotContain("ACCEPTED");
    assertThat(b.status()).as(b.console() + b.errors()).isZero();
  }
}
