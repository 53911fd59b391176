package jackal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link HostCpu}: a one-CPU figure and its baseline run with the whole JVM on one host CPU, so
 * that their ratio is not the difference between two vCPUs (docs/BENCHMARKS.md, "Seventeenth
 * session").
 */
class HostCpuTest {

  /** Each thread's allowed CPUs, as the kernel reports them. */
  private static List<String> everyThreadsCpus() throws IOException {
    List<String> lists = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
              lists.add(line.substring(line.indexOf(':') + 1).strip());
            }
          }
        } catch (IOException gone) {
          // The thread ended since the listing.
        }
      }
    }
    return lists;
  }

  @Test
  void pinningPutsEveryThreadOfTheJvmOnTheCpuNamedAndThreadsMadeLaterInheritIt() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
    BitSet before = HostCpu.allowedCpus();
    int last = before.length() - 1;
    CountDownLatch release = new CountDownLatch(1);
    Thread bystander = new Thread(() -> awaitQuietly(release), "bystander");
    bystander.start();
    BitSet one = new BitSet();
    one.set(last);
    try {
      String outcome = HostCpu.pin(one);
      assertThat(outcome).startsWith("pinned ").contains("host CPUs {" + last + "}");
      // The bystander was made before the pin, by a thread that was not pinned then.
      assertThat(everyThreadsCpus()).isNotEmpty().allMatch(l -> l.equals(String.valueOf(last)));
      BitSet[] seenByNewThread = new BitSet[1];
      Thread later = new Thread(() -> seenByNewThread[0] = HostCpu.allowedCpus());
      later.start();
      later.join();
      assertThat(seenByNewThread[0]).isEqualTo(one);
    } finally {
      release.countDown();
      bystander.join();
      HostCpu.pin(before); // the rest of the suite runs where it ran before
    }
    assertThat(HostCpu.allowedCpus()).isEqualTo(before);
  }

  @Test
  void eachKernelCpuThreadIsPinnedToTheHostCpuOfItsNumberAndNoOtherThreadIs() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
    BitSet before = HostCpu.allowedCpus();
    int last = before.length() - 1;
    assumeTrue(before.cardinality() > 1, "needs two host CPUs");
    CountDownLatch release = new CountDownLatch(1);
    String[] seen = new String[2];
    Thread cpu = new Thread(() -> awaitQuietly(release), "jackal-cpu-" + last);
    Thread other = new Thread(() -> awaitQuietly(release), "jackal-cpu-x");
    cpu.start();
    other.start();
    try {
      assertThat(HostCpu.pinKernelCpus()).contains("jackal-cpu-" + last + " on host CPU " + last);
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
        for (Path task : tasks) {
          String name = Files.readString(task.resolve("comm")).strip();
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
              String cpus = line.substring(line.indexOf(':') + 1).strip();
              if (name.equals(cpu.getName())) {
                seen[0] = cpus;
              } else if (name.equals(other.getName())) {
                seen[1] = cpus;
              }
            }
          }
        }
      }
    } finally {
      release.countDown();
      cpu.join();
      other.join();
      HostCpu.pin(before);
    }
    assertThat(seen[0]).isEqualTo(String.valueOf(last));
    assertThat(seen[1]).as("not a CPU thread's name").isNotEqualTo(String.valueOf(last));
  }

  @Test
  void theDefaultIsTheLastCpuTheJvmMayRunOnAndOffLeavesItUnpinned() {
    assertThat(HostCpu.cpuNamed("")).isEqualTo(HostCpu.allowedCpus().length() - 1);
    assertThat(HostCpu.cpuNamed(" 0 ")).isZero();
    assertThat(HostCpu.cpuNamed("off")).isEqualTo(-1);
  }

  @Test
  void aHostCpuThatIsNotACpuNumberIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> HostCpu.cpuNamed("first"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'first'");
    assertThatThrownBy(() -> HostCpu.cpuNamed("-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1 is not a CPU number");
    assertThatThrownBy(() -> HostCpu.cpuNamed("1024"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024 is not a CPU number");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
