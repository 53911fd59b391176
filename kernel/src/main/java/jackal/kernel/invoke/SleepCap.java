package jackal.kernel.invoke;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ParameterBlock;

/**
 * Sleep: sleepTill(sec, usec) waits until that time since the kernel started; sleepFor(sec, usec)
 * waits that long, by rewriting itself into the equivalent sleepTill so that a re-run call does not
 * sleep twice. usec of a million or more is a RequestError. The invoker waits, then re-runs its
 * call, which then returns normally.
 */
final class SleepCap extends KernelCap {
  private static final long MICRO = 1_000L;
  private static final long SECOND = 1_000_000_000L;

  SleepCap() {
    super(Codes.IKT_SLEEP);
  }

  @Override
  boolean dispatch(Invocation inv) {
    int op = inv.opcode;
    if (op != Codes.OC_SLEEP_SLEEP_TILL && op != Codes.OC_SLEEP_SLEEP_FOR) {
      return false;
    }
    long sec = inv.nextArg() & 0xFFFF_FFFFL;
    long usec = inv.nextArg() & 0xFFFF_FFFFL;
    if (!inv.requireArgs(0)) {
      return true;
    }
    if (usec >= 1_000_000) {
      inv.txn.commit();
      inv.error(Codes.RC_REQUEST_ERROR);
      return true;
    }
    KernelTimer timer = inv.machine.timer;
    long deadline = sec * SECOND + usec * MICRO;
    if (op == Codes.OC_SLEEP_SLEEP_FOR) {
      deadline += timer.now();
      // In case the call is re-run: it becomes the sleepTill it means, written into the caller's
      // registers (its block); the deadline is computed from the kernel's own values, never read
      // back from the block.
      long tillSec = deadline / SECOND;
      long tillUsec = deadline % SECOND / MICRO;
      inv.pb.w[ParameterBlock.OPCODE] = Codes.OC_SLEEP_SLEEP_TILL & 0xFFFF_FFFFL;
      inv.pb.w[2] = tillSec;
      inv.pb.w[3] = tillUsec;
      deadline = tillSec * SECOND + tillUsec * MICRO;
    }
    if (timer.now() < deadline) {
      inv.sleepUntil = deadline;
      return true;
    }
    inv.txn.commit();
    return true;
  }
}
