package jackal.runtime.confined.sharing.code;

import java.util.function.Supplier;

/**
 * A class that holds no state (no static field, no static initialiser), in a package of such
 * classes: the loader defines it once for every process of the image.
 */
public final class Shape {
  private Shape() {}

  /** A constant the compiler inlines; allowed in a shared class. */
  public static final long ANSWER = 42;

  /** A non-capturing lambda: its call site makes one object, which the processes then share. */
  public static Supplier<String> constant() {
    return () -> "shared";
  }
}
