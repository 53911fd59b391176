package jackal.runtime;

import jackal.kernel.api.CapLoc;

/** The Coyotos capability-register conventions, as capability locations. */
public final class CapReg {
  private CapReg() {}

  /** Register 0: always Null. */
  public static final int NULL = 0;

  /** The process's reply endpoint (payload match on, endpoint ID 0). */
  public static final int REPLYEPT = 1;

  /** A capability to the process itself. */
  public static final int SELF = 2;

  public static final int SPACEBANK = 3;

  /** A CapPage of tools: DISCRIM 0, PROTOSPACE 1, CONSTRUCTOR_VERIFY 2, AUDIT_LOG 3, APP0 4. */
  public static final int TOOLS = 4;

  /** The process's initial endpoint (no payload match, endpoint ID 1). */
  public static final int INITEPT = 5;

  public static final int RUNTIME = 6;
  public static final int ADDRHANDLER = 7;

  /** First application register; 8-23 belong to the application (20-23 may be clobbered). */
  public static final int APP0 = 8;

  public static final int REPLY0 = 24;
  public static final int REPLY1 = 25;
  public static final int REPLY2 = 26;
  public static final int REPLY3 = 27;

  /** Where a server finds the reply capability of the request it is serving. */
  public static final int RETURN = 28;

  public static final int ARG0 = 29;
  public static final int ARG1 = 30;
  public static final int ARG2 = 31;

  /** The capability location of register {@code r}. */
  public static long loc(int r) {
    return CapLoc.reg(r);
  }
}
