package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.persist.programs.Accumulator;
import jackal.image.store.Store;
import jackal.kernel.boot.Kernel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cut asked for while a CPU loads a program (reads, verifies and prepares its image: kernel code
 * with no preemption check, which a resumed system runs for every program first) waits for the load
 * to end instead of being abandoned because that CPU did not come to the top of its dispatch loop;
 * the time it waits does not count against its bound (docs/PERSISTENCE.md, section 6, "Start-up").
 * The load is made to last five times the cut's bound by holding the verifier.
 */
class CutWhileLoadingTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Duration SHORT = Duration.ofMillis(300);

  @TempDir Path dir;

  /**
   * {@code jackal.kernel.load.ProgramLoader}'s test seams, by name: the package is not exported
   * from the kernel's module, so this module's tests do not compile against it, but they run on the
   * class path, where it is public.
   */
  private static void loader(String method, Class<?>[] types, Object... args) throws Exception {
    Class.forName("jackal.kernel.load.ProgramLoader").getMethod(method, types).invoke(null, args);
  }

  private static void forgetVerified() throws Exception {
    loader("forgetVerified", new Class<?>[0]);
  }

  private static void setVerifyHook(Runnable hook) throws Exception {
    loader("setVerifyHook", new Class<?>[] {Runnable.class}, hook);
  }

  @Test
  void aCutAskedForWhileAResumedProgramIsVerifiedWaitsForTheLoadAndIsTaken() throws Exception {
    long acc;
    try (Kernel k = Kernel.create(Systems.persisting());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      acc = Systems.process(k, code, "accumulator", Accumulator.class).oid();
      k.start(k.object(3, acc).orElseThrow());
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        Systems.await(
            () -> Systems.word(running, acc, 8) == Accumulator.GATE, "it waits at its gate");
        running.checkpoint(store, false, BOUND); // its state is in its locals only
      }
    }
    // As a new JVM: nothing verified yet, so the resumed process's first dispatch verifies its
    // image, and the verifier is held there until released.
    forgetVerified();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    setVerifyHook(
        () -> {
          loading.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try (Store store = Store.open(dir);
        Kernel k = Kernel.create(Systems.persisting())) {
      Store.Recovered r = store.recover();
      k.resume(r.image(), r.clock(), r.programs());
      long before = store.generation();
      try (Kernel running = k.boot()) {
        assertThat(loading.await(60, TimeUnit.SECONDS)).as("the load began").isTrue();
        long loadMillis = 5 * SHORT.toMillis();
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    Thread.sleep(loadMillis);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  release.countDown();
                });
        long start = System.nanoTime();
        running.checkpoint(store, false, SHORT); // was: "a CPU did not reach the top ..."
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(release.getCount()).as("the cut was taken after the load ended").isZero();
        assertThat(took).isGreaterThan(SHORT.toMillis());
        assertThat(store.generation()).isEqualTo(before + 1);

        Systems.setWord(running, acc, 24, 1); // past its gate: it runs to its end
        assertThat(running.awaitQuiescent(Duration.ofSeconds(120))).isTrue();
        assertThat(Systems.result(running, acc)).isEqualTo(Accumulator.expected());
        assertThat(Systems.word(running, acc, 16)).as("started from its entry once").isEqualTo(1);
      }
    } finally {
      setVerifyHook(null);
      release.countDown();
    }
  }
}
