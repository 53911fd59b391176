package jackal.kernel.boot;

import jackal.kernel.trace.MethodNames;

/**
 * The names the kernel's events and traces give to method and exception codes. The kernel knows its
 * own CapIDL; whoever boots services with interfaces of their own adds their generated {@code
 * MethodTable} here so that calls to them are named too.
 */
public final class CodeNames {
  private CodeNames() {}

  /** Adds method codes and exception codes with their qualified CapIDL names. */
  public static void register(
      int[] methodCodes, String[] methodNames, long[] exceptionCodes, String[] exceptionNames) {
    MethodNames.register(methodCodes, methodNames, exceptionCodes, exceptionNames);
  }

  /** The qualified name of method {@code code}, or null if no table names it. */
  public static String method(int code) {
    return MethodNames.method(code);
  }

  /** The qualified name of exception {@code code}, or null if no table names it. */
  public static String exception(long code) {
    return MethodNames.exception(code);
  }
}
