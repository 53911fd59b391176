package jackal.kernel.api;

/** Capability type codes (6 bits), as in the reference's table. */
public final class CapType {
  private CapType() {}

  public static final int NULL = 0x00;

  /** Background window (the implementation's numbering, which the reference says to follow). */
  public static final int WINDOW = 0x01;

  public static final int LOCAL_WINDOW = 0x02;
  public static final int CAP_BITS = 0x03;
  public static final int DISCRIM = 0x04;
  public static final int RANGE = 0x05;
  public static final int SLEEP = 0x06;
  public static final int IRQ_CTL = 0x07;
  public static final int SCHED_CTL = 0x08;
  public static final int CHECKPOINT = 0x09;
  public static final int OB_STORE = 0x0A;
  public static final int PIN_CTL = 0x0B;
  public static final int SCHEDULE = 0x0C;
  public static final int SYS_CTL = 0x0D;
  public static final int KERN_LOG = 0x0E;
  public static final int IO_PRIV = 0x0F;
  public static final int IRQ_WAIT = 0x10;

  /**
   * Jackal's terminal (interface {@code jackal.ConsoleDevice}), not a Coyotos type: the first code
   * the reference leaves reserved among the kernel-implemented types. It stands for the physical
   * display page Coyotos gives its TextConsole driver.
   */
  public static final int CONSOLE = 0x11;

  public static final int ENDPOINT = 0x20;
  public static final int PAGE = 0x21;
  public static final int CAP_PAGE = 0x22;
  public static final int GPT = 0x23;
  public static final int PROCESS = 0x24;
  public static final int APP_NOTICE = 0x25;
  public static final int ENTRY = 0x3F;

  /** The first object capability code: these carry an OID and an allocation count. */
  public static final int FIRST_OBJECT = 0x20;

  public static boolean isObject(int type) {
    return type >= FIRST_OBJECT;
  }

  /** True for the type codes the reference defines (reserved codes give false). */
  public static boolean isDefined(int type) {
    return (type >= NULL && type <= CONSOLE)
        || (type >= ENDPOINT && type <= APP_NOTICE)
        || type == ENTRY;
  }

  public static String name(int type) {
    return switch (type) {
      case NULL -> "Null";
      case WINDOW -> "Window";
      case LOCAL_WINDOW -> "LocalWindow";
      case CAP_BITS -> "CapBits";
      case DISCRIM -> "Discrim";
      case RANGE -> "Range";
      case SLEEP -> "Sleep";
      case IRQ_CTL -> "IrqCtl";
      case SCHED_CTL -> "SchedCtl";
      case CHECKPOINT -> "Checkpoint";
      case OB_STORE -> "ObStore";
      case PIN_CTL -> "PinCtl";
      case SCHEDULE -> "Schedule";
      case SYS_CTL -> "SysCtl";
      case KERN_LOG -> "KernLog";
      case IO_PRIV -> "IOPriv";
      case IRQ_WAIT -> "IrqWait";
      case CONSOLE -> "Console";
      case ENDPOINT -> "Endpoint";
      case PAGE -> "Page";
      case CAP_PAGE -> "CapPage";
      case GPT -> "GPT";
      case PROCESS -> "Process";
      case APP_NOTICE -> "AppNotice";
      case ENTRY -> "Entry";
      default -> "Reserved(0x" + Integer.toHexString(type) + ")";
    };
  }
}
