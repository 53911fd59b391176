package jackal.services.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The program-side data region's arithmetic (over a virtual copy space: no server to ask). */
class DataRegionTest {
  @Test
  void theBreakStartsAtTheHeapBaseAndMallocHandsOutSixteenByteAlignedChunksInOrder() {
    DataRegion heap = DataRegion.overVirtualCopy();
    assertThat(heap.sbrk(0)).isEqualTo(ProgramLayout.HEAP_BASE);
    long a = heap.malloc(1);
    long b = heap.malloc(17);
    long c = heap.malloc(0);
    assertThat(a).isEqualTo(ProgramLayout.HEAP_BASE);
    assertThat(b).isEqualTo(a + 16);
    assertThat(c).isEqualTo(b + 32);
    assertThat(heap.brk()).isEqualTo(c);
  }

  @Test
  void aBreakThatWouldWrapPastTheTopOfTheSpaceIsRefusedAndStays() {
    DataRegion heap = DataRegion.overVirtualCopy();
    long before = heap.brk();
    assertThat(heap.sbrk(-1L >>> 1)).isEqualTo(before);
    assertThat(heap.sbrk(-1L >>> 1)).isEqualTo(-1);
    assertThat(heap.brk()).isEqualTo(before + (-1L >>> 1));
  }

  @Test
  void theBreakNeverMovesDown() {
    DataRegion heap = DataRegion.overVirtualCopy();
    assertThatThrownBy(() -> heap.sbrk(-4096)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> heap.malloc(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
