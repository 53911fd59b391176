package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.persist.programs.Napper;
import jackal.image.store.Store;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cut holds the processes whose state it took off every run queue and releases them afterwards; a
 * sleeper the timer wakes is off the timer before it is on a run queue. Neither gap may make a
 * running system look quiet: {@code jackal run} halts a system it finds quiet (docs/PERSISTENCE.md,
 * section 6, the ledger that halted as idle with every process ready to run).
 */
class CutReleaseTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void aProgramThatNapsThroughCutAfterCutNeverMakesTheSystemLookQuietBeforeItEnds()
      throws Exception {
    try (Kernel k = Kernel.create(Systems.persisting());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      ObjectRef napper = Systems.process(k, code, "napper", Napper.class);
      k.setCapReg(napper, CapReg.APP0, k.kernelCap(KernelService.SLEEP));
      long oid = napper.oid();
      k.start(napper);
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread watcher =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        while (Systems.result(running, oid) < Napper.NAPS) {
                          if (running.awaitQuiescent(Duration.ofMillis(5))) {
                            long naps = Systems.result(running, oid);
                            if (naps < Napper.NAPS) {
                              wrong.set("looked quiet after " + naps + " naps");
                              return;
                            }
                          }
                        }
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    });
        int cuts = 0;
        while (Systems.result(running, oid) < Napper.NAPS) {
          running.checkpoint(store, false, BOUND); // wakes it out of its nap, holds, releases it
          cuts++;
        }
        watcher.join();
        assertThat(wrong.get()).isNull();
        assertThat(cuts).isGreaterThan(1);
        assertThat(running.awaitQuiescent(Duration.ofSeconds(30))).isTrue();
        assertThat(running.inspect(napper).exited()).isTrue();
      }
    }
  }
}
