package jackal.runtime.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The hostile-syscall fuzzer as a regular test: 200 000 hostile system calls against a running
 * honest pair. The seed is {@code -Djackal.test.seed} (decimal or 0x-hex) or a fixed default, and
 * is printed, so any failure replays. The long variant is {@code ./jackal soak}.
 */
class SyscallFuzzTest {
  private static final long DEFAULT_SEED = 0x5EED_CAFE_F00DL;

  @Test
  void hostileSystemCallsBreakNeitherTheKernelNorAnHonestPair() throws Exception {
    long seed = seed();
    System.out.println("SyscallFuzzTest seed 0x" + Long.toHexString(seed));
    SyscallFuzz.Result r = SyscallFuzz.run(seed, 200_000, 5_000, Duration.ofSeconds(50));
    System.out.println(r);
    assertThat(r.problems())
        .as("%s; replay with -Djackal.test.seed=0x%s", r, Long.toHexString(seed))
        .isEmpty();
    assertThat(r.hostileCalls()).isGreaterThanOrEqualTo(200_000);
    assertThat(r.honestCalls()).isEqualTo(5_000);
    assertThat(r.kernelErrors()).isZero();
    // The honest client on CPU 1 calls its server on CPU 0: its calls are shipped while the
    // hostile processes attack (and theirs too, when pinned to CPU 1 and reaching that server).
    assertThat(r.shippedCalls()).isGreaterThanOrEqualTo(4_000);
  }

  private static long seed() {
    String s = System.getProperty("jackal.test.seed");
    if (s == null || s.isBlank()) {
      return DEFAULT_SEED;
    }
    s = s.trim();
    return s.startsWith("0x") || s.startsWith("0X")
        ? Long.parseUnsignedLong(s.substring(2), 16)
        : Long.parseLong(s);
  }
}
