package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The line other CPUs hand a CPU work through ({@link CpuInbox}) holds only what they read and
 * write there, padded on both sides by 64 bytes that nothing touches, and fills its last word
 * exactly, so that no field the CPU's thread writes at every dispatch can be laid out in it. A
 * field added to the line, or a pad shortened, fails here rather than as a slower cross-CPU call.
 */
class CpuLayoutTest {
  private static List<Field> instanceFields(Class<?> c) {
    return Arrays.stream(c.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()))
        .toList();
  }

  /** The bytes a field takes with compressed references, the JVM's default for these heaps. */
  private static int size(Field f) {
    Class<?> t = f.getType();
    if (t == long.class || t == double.class) {
      return 8;
    }
    if (t == int.class || t == float.class || !t.isPrimitive()) {
      return 4;
    }
    if (t == short.class || t == char.class) {
      return 2;
    }
    return 1;
  }

  @Test
  void theCpuExtendsTheLeadPaddingTheInboxLineAndTheTailPaddingInThatOrder() {
    assertThat(Cpu.class.getSuperclass()).isEqualTo(CpuTailPad.class);
    assertThat(CpuTailPad.class.getSuperclass()).isEqualTo(CpuInbox.class);
    assertThat(CpuInbox.class.getSuperclass()).isEqualTo(CpuLeadPad.class);
    assertThat(CpuLeadPad.class.getSuperclass()).isEqualTo(Object.class);
  }

  @Test
  void theInboxLineHoldsOnlyTheFieldsOtherCpusTouchAndFillsWholeWords() {
    List<Field> fields = instanceFields(CpuInbox.class);
    assertThat(fields)
        .extracting(Field::getName)
        .filteredOn(n -> !n.startsWith("filler"))
        .containsExactlyInAnyOrder("id", "node", "slot", "parked", "idle", "handedWords");
    assertThat(fields.stream().mapToInt(CpuLayoutTest::size).sum() % 8).isZero();
    assertThat(fields.stream().mapToInt(CpuLayoutTest::size).sum()).isLessThanOrEqualTo(32);
  }

  @Test
  void eachPaddingIsSixtyFourBytesOfLongsNothingElseUses() {
    for (Class<?> pad : List.of(CpuLeadPad.class, CpuTailPad.class)) {
      List<Field> longs =
          instanceFields(pad).stream().filter(f -> f.getType() == long.class).toList();
      assertThat(longs).as(pad.getSimpleName()).hasSizeGreaterThanOrEqualTo(8);
      assertThat(longs).allMatch(f -> Modifier.isPrivate(f.getModifiers()));
    }
    // The lead padding's one other field is the queue reference, written once, at construction.
    assertThat(instanceFields(CpuLeadPad.class))
        .filteredOn(f -> f.getType() != long.class)
        .singleElement()
        .satisfies(f -> assertThat(Modifier.isFinal(f.getModifiers())).isTrue());
    assertThat(instanceFields(CpuTailPad.class)).allMatch(f -> f.getType() == long.class);
  }

  @Test
  void theWordsTouchedBeforeAShippedCallReachEveryLineOfTheBlock() {
    int[] words = Cpu.TOUCHED_WORDS;
    assertThat(words[0]).isZero();
    assertThat(words[words.length - 1]).isEqualTo(jackal.kernel.api.ParameterBlock.WORDS - 1);
    for (int i = 1; i < words.length; i++) {
      assertThat(words[i] - words[i - 1]).as("words %d to %d", i - 1, i).isBetween(1, 8);
    }
  }
}
