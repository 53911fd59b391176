package jackal.runtime.confined.lib;

/** A class of a library segment (mapped, like the runtime library, into every program's space). */
public final class SharedLibraryState {
  private SharedLibraryState() {}

  public static long value;
}
