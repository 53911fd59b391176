package jackal.kernel.obj;

/** Object types in the Range numbering used at every user-visible interface. */
public final class ObType {
  private ObType() {}

  public static final int PAGE = 0;
  public static final int CAP_PAGE = 1;
  public static final int GPT = 2;
  public static final int PROCESS = 3;
  public static final int ENDPOINT = 4;
  public static final int COUNT = 5;

  public static String name(int t) {
    return switch (t) {
      case PAGE -> "Page";
      case CAP_PAGE -> "CapPage";
      case GPT -> "GPT";
      case PROCESS -> "Process";
      case ENDPOINT -> "Endpoint";
      default -> "Invalid";
    };
  }
}
