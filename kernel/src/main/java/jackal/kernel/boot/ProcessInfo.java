package jackal.kernel.boot;

import jackal.kernel.api.FaultCode;

/**
 * A snapshot of a process: run state (0 running, 1 receiving, 2 faulted), fault code and info,
 * whether its program has returned ({@code exited}), the CPU it last ran on, and its pending
 * notices. A program that died instead (an exception escaped it, its stack overflowed, its image
 * was bad or refused) is not exited: it holds a program fault, see {@link #died}.
 */
public record ProcessInfo(
    int runState, int faultCode, long faultInfo, boolean exited, int cpu, int notices) {
  public static final int RUNNING = 0;
  public static final int RECEIVING = 1;
  public static final int FAULTED = 2;

  /** The program died: its process holds one of the program faults (128-132), not yet cleared. */
  public boolean died() {
    return !exited
        && faultCode >= FaultCode.PROGRAM_EXCEPTION
        && faultCode <= FaultCode.ALLOCATION_LIMIT;
  }
}
