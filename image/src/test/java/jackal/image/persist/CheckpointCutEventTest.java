package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel's checkpoint event (issue 13's "checkpoint phases"): one {@code jackal.CheckpointCut}
 * per cut, read back from a recording of a known scenario, its fields the cut's own figures.
 */
class CheckpointCutEventTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void eachCutIsOneEventWithItsNumberKindPhasesAndWhatItTook() throws Exception {
    List<Snapshot> cuts = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    List<Integer> pageCounts = new ArrayList<>();
    Path file = dir.resolve("cuts.jfr");
    try (Recording rec = new Recording()) {
      rec.enable("jackal.CheckpointCut");
      rec.start();
      try (Kernel k = Kernel.create(Systems.config())) {
        List<ObjectRef> pages = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          pages.add(k.newPage());
        }
        k.newEndpoint();
        k.newCapPage();
        try (Kernel running = k.boot()) {
          // The first cut takes every object; the second, after two pages changed, those two; the
          // third is asked to be full.
          for (int round = 0; round < 3; round++) {
            if (round == 1) {
              running.writePage(pages.get(1), 8, new byte[] {1});
              running.writePage(pages.get(4), 8, new byte[] {2});
            }
            Snapshot s = running.cut(round == 2, BOUND);
            cuts.add(s);
            counts.add(s.objectCount());
            pageCounts.add(s.pageCount());
            s.committed();
          }
        }
      }
      rec.stop();
      rec.dump(file);
    }
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals("jackal.CheckpointCut"))
            .toList();
    assertThat(events).hasSize(3);
    assertThat(counts.get(1)).as("the second cut takes only the changed pages").isEqualTo(2);
    assertThat(counts.get(0)).isEqualTo(counts.get(2)).isGreaterThanOrEqualTo(8);
    for (int i = 0; i < 3; i++) {
      RecordedEvent e = events.get(i);
      Snapshot s = cuts.get(i);
      assertThat(e.getLong("number")).isEqualTo(i + 1).isEqualTo(s.number());
      assertThat(e.getBoolean("full")).isEqualTo(i != 1).isEqualTo(s.full());
      assertThat(e.getInt("objects")).isEqualTo(counts.get(i));
      assertThat(e.getInt("pages")).isEqualTo(pageCounts.get(i));
      Snapshot.Phases ph = s.phases();
      assertThat(e.getDuration("holdNanos").toNanos()).isEqualTo(ph.holdNanos()).isNotNegative();
      assertThat(e.getDuration("programsNanos").toNanos()).isEqualTo(ph.programsNanos());
      assertThat(e.getDuration("objectsNanos").toNanos()).isEqualTo(ph.objectsNanos()).isPositive();
      assertThat(e.getDuration("pauseNanos").toNanos())
          .isEqualTo(ph.pauseNanos())
          .isEqualTo(ph.holdNanos() + ph.programsNanos() + ph.objectsNanos());
    }
  }
}
