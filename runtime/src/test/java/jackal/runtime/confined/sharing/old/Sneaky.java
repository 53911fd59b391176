package jackal.runtime.confined.sharing.old;

/**
 * Compiled as a plain static here; the test replaces its class file with one of version 52 whose
 * field is {@code final} with no initialiser and no constant, written by {@link #set} (the JVM lets
 * any method of an old class file write its own final statics).
 */
public final class Sneaky {
  private Sneaky() {}

  public static long value;

  public static void set(long v) {
    value = v;
  }

  public static long get() {
    return value;
  }
}
