package jackal.kernel.boot;

import jackal.kernel.api.CapType;

/**
 * The kernel's own services that an image may hand to a process: every capability mkimage offers as
 * a builtin (CAP_BITS is its KeyBits, IO_PRIV its IoPerm; its NullCap is {@link Kernel#nullCap}),
 * and Schedule, which every process the boot API makes already holds.
 */
public enum KernelService {
  DISCRIM(CapType.DISCRIM),
  CAP_BITS(CapType.CAP_BITS),
  KERN_LOG(CapType.KERN_LOG),
  RANGE(CapType.RANGE),
  SLEEP(CapType.SLEEP),
  IRQ_CTL(CapType.IRQ_CTL),
  SCHED_CTL(CapType.SCHED_CTL),
  CHECKPOINT(CapType.CHECKPOINT),
  OB_STORE(CapType.OB_STORE),
  IO_PRIV(CapType.IO_PRIV),
  PIN_CTL(CapType.PIN_CTL),
  SYS_CTL(CapType.SYS_CTL),
  SCHEDULE(CapType.SCHEDULE),
  /**
   * Jackal's terminal ({@code jackal.ConsoleDevice}): the bytes written reach the kernel's console
   * stream unchanged. Only an image can hand it out.
   */
  CONSOLE(CapType.CONSOLE);

  final int capType;

  KernelService(int capType) {
    this.capType = capType;
  }
}
