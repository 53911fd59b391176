/**
 * JMH benchmarks for Jackal.
 *
 * <p>Benchmarks here are picked up by {@code ./jackal bench [GROUP...]}, which runs the packaged
 * {@code bench/target/jackal-bench.jar} in a child JVM and prints one figure per benchmark. The
 * printed label of each benchmark, derived ratio figures and named groups are configured in {@code
 * jackal.cli.BenchCommand} (LABELS, RATIOS, GROUPS). What each figure means, how to reproduce it
 * and the latest results are in {@code docs/BENCHMARKS.md}.
 *
 * <ul>
 *   <li>{@link jackal.bench.IpcBenchmark}: call+reply and kernel-capability calls inside a booted
 *       kernel, batched per invocation ({@link jackal.bench.KernelRig}).
 *   <li>{@link jackal.bench.BaselineBenchmark}: bare continuations and a cross-core cache-line
 *       pingpong, the floors under the same-CPU and cross-CPU round trips.
 *   <li>{@link jackal.bench.PeerBenchmark}: the same exchange between two plain Java threads
 *       ({@link jackal.bench.PeerRig}).
 *   <li>{@link jackal.bench.MemoryBenchmark}: a process's 64-bit loads and stores through a
 *       three-level GPT space, against the same pattern on a {@code long[]} in the same process
 *       ({@link jackal.bench.SpaceRig}).
 *   <li>{@link jackal.bench.StringBenchmark}: calls carrying a 4 KiB or 64 KiB string between two
 *       such spaces, against {@code System.arraycopy} of the same bytes plus the same call without
 *       a string.
 * </ul>
 *
 * <p>Forked JMH JVMs inherit {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} from the
 * child JVM unless a benchmark overrides {@code @Fork(jvmArgs = ...)}; add flags with
 * {@code @Fork(jvmArgsAppend = ...)} instead (see {@link jackal.bench.Jvm}). A benchmark class
 * takes the common fork by extending {@link jackal.bench.LauncherFork}.
 */
package jackal.bench;
