package jackal.kernel.api;

/** Process fault codes ({@code Process.FC}). */
public final class FaultCode {
  private FaultCode() {}

  public static final int NO_FAULT = 0;
  public static final int MALFORMED_SYSCALL = 1;
  public static final int SOFT_NOTICE = 2;
  public static final int SLICE_EXPIRED = 3;
  public static final int INVALID_DATA_REFERENCE = 4;
  public static final int INVALID_CAP_REFERENCE = 5;
  public static final int NO_EXECUTE = 6;
  public static final int ACCESS_VIOLATION = 7;
  public static final int DATA_ACCESS_TYPE_ERROR = 8;
  public static final int CAP_ACCESS_TYPE_ERROR = 9;
  public static final int MISALIGNED_REFERENCE = 10;
  public static final int TRAVERSE_LIMIT = 12;
  public static final int MALFORMED_SPACE = 13;
  public static final int NOTIFY = 24;
  public static final int STARTUP = 25;
  public static final int NO_ADDR_SPACE = 32;
  public static final int NO_SCHEDULE = 33;
  public static final int BREAK_POINT = 34;
  public static final int BROKE_POINT = 35;
  public static final int BAD_OPCODE = 36;
  public static final int ALIEN = 37;
  public static final int DIV_ZERO = 38;
  public static final int BAD_ALIGN = 39;
  public static final int NO_FPU = 40;
  public static final int FP_FAULT = 41;
  public static final int DEBUG = 42;
  public static final int OVERFLOW = 44;
  public static final int BOUNDS = 45;
  public static final int SYS_CALL_ENTRY = 46;
  public static final int SYS_CALL_RETURN = 47;
  public static final int ACTIVATION_FAIL = 48;
  public static final int OBJECT_CONTENT_LOST = 49;

  // Codes 128 and up belong to the architecture; Jackal's architecture is the JVM.

  /** The program threw an exception (or error) that nothing in it caught. */
  public static final int PROGRAM_EXCEPTION = 128;

  /** The program overflowed its Java stack. */
  public static final int STACK_OVERFLOW = 129;

  /** The program image at the PC is malformed or exceeds the loader's limits. */
  public static final int BAD_PROGRAM_IMAGE = 130;

  /** The loader's verifier refused the program's code. */
  public static final int PROGRAM_REFUSED = 131;

  /**
   * The program asked for one allocation over the cap, or the JVM could not satisfy one of its
   * allocations (an {@code OutOfMemoryError} in its code).
   */
  public static final int ALLOCATION_LIMIT = 132;

  /**
   * The name of fault code {@code code} as Coyotos's Process interface spells it (Jackal's own
   * program faults as {@link #PROGRAM_EXCEPTION} and the following document them), or {@code "fault
   * <code>"} for a code with no name.
   */
  public static String name(int code) {
    return switch (code) {
      case 0 -> "NoFault";
      case 1 -> "MalformedSyscall";
      case 2 -> "SoftNotice";
      case 3 -> "SliceExpired";
      case 4 -> "InvalidDataReference";
      case 5 -> "InvalidCapReference";
      case 6 -> "NoExecute";
      case 7 -> "AccessViolation";
      case 8 -> "DataAccessTypeError";
      case 9 -> "CapAccessTypeError";
      case 10 -> "MisalignedReference";
      case 12 -> "TraverseLimit";
      case 13 -> "MalformedSpace";
      case 24 -> "Notify";
      case 25 -> "Startup";
      case 32 -> "NoAddrSpace";
      case 33 -> "NoSchedule";
      case 34 -> "BreakPoint";
      case 35 -> "BrokePoint";
      case 36 -> "BadOpcode";
      case 37 -> "Alien";
      case 38 -> "DivZero";
      case 39 -> "BadAlign";
      case 40 -> "NoFPU";
      case 41 -> "FPfault";
      case 42 -> "Debug";
      case 44 -> "Overflow";
      case 45 -> "Bounds";
      case 46 -> "SysCallEntry";
      case 47 -> "SysCallReturn";
      case 48 -> "ActivationFail";
      case 49 -> "ObjectContentLost";
      case 128 -> "ProgramException";
      case 129 -> "StackOverflow";
      case 130 -> "BadProgramImage";
      case 131 -> "ProgramRefused";
      case 132 -> "AllocationLimit";
      default -> "fault " + code;
    };
  }
}
