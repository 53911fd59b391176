package jackal.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jackal.kernel.boot.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The inspector in a real browser: Selenium drives Debian's chromium through chromium-driver. The
 * test setup installs both with apt when they are missing and apt can (as root); where no browser
 * can be had, the tests are skipped, saying so.
 */
class InspectorBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private static String missing;
  private static Kernel kernel;
  private static Inspector inspector;
  private static WebDriver browser;

  @BeforeAll
  static void browser() throws Exception {
    missing = BrowserSetup.ensure(CHROMIUM, DRIVER);
    if (missing != null) {
      return;
    }
    kernel = Images.pingPong();
    inspector = Inspector.start(kernel, 0);
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    browser = new ChromeDriver(service, o);
    browser.get(inspector.uri().toString());
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.quit();
    }
    if (inspector != null) {
      inspector.close();
    }
    if (kernel != null) {
      kernel.close();
    }
  }

  private static void needBrowser() {
    assumeTrue(missing == null, () -> "SKIPPED, no browser: " + missing);
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  @Test
  void theGraphShowsTheProcessesAndEndpointsOfTheImage() {
    needBrowser();
    waiting().until(b -> labels(b, "process").size() == 4);
    // Read in one script: the page redraws the graph every 1.5 s, which would make elements found
    // one call earlier stale.
    assertThat(labels(browser, "process"))
        .containsExactly("ponger#0", "pinger#1", "deaf#2", "stuck#3");
    assertThat(labels(browser, "endpoint")).hasSize(6).contains("endpoint#0", "endpoint#1");
    assertThat(labels(browser, "service")).containsExactlyInAnyOrder("Schedule", "Sleep");
  }

  @Test
  void theBankPanelSaysWhenTheSystemHasNoSpaceBank() {
    needBrowser();
    waiting()
        .until(
            b -> b.findElement(By.id("banks")).getText().contains("this system has no space bank"));
  }

  /** The data-label of every graph node of {@code kind}, read in one script. */
  @SuppressWarnings("unchecked")
  private static List<String> labels(WebDriver b, String kind) {
    return (List<String>)
        ((JavascriptExecutor) b)
            .executeScript(
                "return Array.from(document.querySelectorAll('#graph [data-kind=' + arguments[0]"
                    + " + ']')).map(e => e.getAttribute('data-label'));",
                kind);
  }

  @Test
  void clickingAProcessShowsItsStateWaitAndCapabilities() {
    needBrowser();
    // The page redraws the graph every 1.5 s: a node found just before a redraw is gone by the
    // click, so find and click again until one lands.
    waiting()
        .ignoring(StaleElementReferenceException.class)
        .until(
            b -> {
              List<WebElement> stuck =
                  b.findElements(By.cssSelector("#graph [data-label='stuck#3']"));
              if (stuck.isEmpty()) {
                return false;
              }
              stuck.get(0).click();
              return b.findElement(By.id("details")).getText().contains("stuck#3");
            });
    String details = browser.findElement(By.id("details")).getText();
    assertThat(details)
        .contains("waits for to send to deaf#2 (not receiving)")
        .contains("reg 8 Entry -> endpoint#1 (pp 4)")
        .contains("reg 1 Endpoint -> endpoint#5");
    assertThat(browser.findElement(By.id("trouble")).getText()).contains("stuck#3");
  }

  @Test
  void theRunQueuesListEveryCpu() {
    needBrowser();
    waiting().until(b -> b.findElement(By.id("cpus")).getText().contains("cpu 0"));
  }

  @Test
  void theTimelineMovesWhileTheSystemRuns() {
    needBrowser();
    waiting().until(b -> count(b) > 0);
    int first = count(browser);
    waiting().until(b -> count(b) > first);
    assertThat(browser.findElement(By.id("timeline-list")).getText())
        .contains("pinger#1 -> op 0x1(...) [ep 42, pp 3] at ponger#0 = OK");
    assertThat(browser.findElements(By.cssSelector("#timeline rect"))).isNotEmpty();
  }

  private static int count(WebDriver b) {
    return Integer.parseInt(b.findElement(By.id("timeline-count")).getText());
  }

  /** Finds or installs chromium and its driver. */
  static final class BrowserSetup {
    private BrowserSetup() {}

    /** Null when both are there (perhaps just installed), else why they are not. */
    static String ensure(Path chromium, Path driver) throws InterruptedException {
      if (Files.isExecutable(chromium) && Files.isExecutable(driver)) {
        return null;
      }
      if (!"root".equals(System.getProperty("user.name"))
          || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
        return "chromium and chromium-driver are not installed, and apt-get cannot be run here"
            + " (install them: apt-get install chromium chromium-driver)";
      }
      try {
        Process p =
            new ProcessBuilder("apt-get", "install", "-y", "-q", "chromium", "chromium-driver")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
          p.destroy();
          return "apt-get install chromium chromium-driver failed";
        }
      } catch (java.io.IOException e) {
        return "apt-get could not run: " + e.getMessage();
      }
      return Files.isExecutable(chromium) && Files.isExecutable(driver)
          ? null
          : "apt-get ran but " + chromium + " or " + driver + " is still missing";
    }
  }
}
