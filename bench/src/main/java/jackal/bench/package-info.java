/**
 * JMH benchmarks for Jackal.
 *
 * <p>Benchmarks here are picked up by {@code ./jackal bench [GROUP...]}, which runs
 * the packaged {@code bench/target/jackal-bench.jar} in a child JVM and prints one
 * figure per benchmark. The printed label of each benchmark, and derived ratio
 * figures, are configured in {@code jackal.cli.BenchCommand} (LABELS, RATIOS).
 * Forked JMH JVMs inherit {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}
 * from the child JVM unless a benchmark overrides {@code @Fork(jvmArgs = ...)};
 * add flags with {@code @Fork(jvmArgsAppend = ...)} instead.
 */
package jackal.bench;
