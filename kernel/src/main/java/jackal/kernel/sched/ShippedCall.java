package jackal.kernel.sched;

import jackal.kernel.api.ParameterBlock;
import jackal.kernel.obj.Process;

/**
 * Runs a call that its process shipped to a CPU ({@link Process#AFTER_SHIP}): the kernel's side of
 * "A cross-CPU call runs where its recipient is" (docs/DESIGN-NOTES.md). Called on {@code cpu}'s
 * own thread, from its dispatch loop, with no program mounted and {@code p} off every CPU.
 */
@FunctionalInterface
public interface ShippedCall {
  /**
   * Runs {@code p}'s shipped call, whose parameter block is {@code block}, as a transaction on
   * {@code cpu} and records what became of it in {@link Process#shipOutcome}. Returns true when
   * {@code p} now waits in the call (receiving, or asleep on a stall queue), the call's locks still
   * held for the dispatcher to release once it has published {@code p} idle; false when every lock
   * is released and {@code p} is to go on.
   */
  boolean run(Process p, ParameterBlock block, Cpu cpu);
}
