package jackal.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * The fork of every benchmark class that extends this one: one JVM, with the flags {@link Jvm}
 * lists (those the launcher gives {@code ./jackal run}, and a fixed heap). JMH's {@code @Fork} is
 * inherited; a class or method that needs another fork (more of them, another heap, one carrier)
 * declares its own, which replaces this one whole, so it lists every flag again ({@code
 * ForkFlagsTest} checks that each fork under the launcher's collector keeps its card flags).
 */
@Fork(
    value = 1,
    jvmArgsAppend = {
      Jvm.EXPORTS,
      Jvm.NATIVE,
      Jvm.HEAP_MIN,
      Jvm.HEAP_MAX,
      Jvm.GC,
      Jvm.CARD_MARK,
      Jvm.CARD_SIZE
    })
public abstract class LauncherFork {
  protected LauncherFork() {}
}
