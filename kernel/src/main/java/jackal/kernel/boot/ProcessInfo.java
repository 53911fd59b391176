package jackal.kernel.boot;

/**
 * A snapshot of a process: run state (0 running, 1 receiving, 2 faulted), fault code and info,
 * whether its program has ended, the CPU it last ran on, and its pending notices.
 */
public record ProcessInfo(
    int runState, int faultCode, long faultInfo, boolean exited, int cpu, int notices) {
  public static final int RUNNING = 0;
  public static final int RECEIVING = 1;
  public static final int FAULTED = 2;
}
