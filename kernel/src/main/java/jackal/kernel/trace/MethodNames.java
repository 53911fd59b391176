package jackal.kernel.trace;

import jackal.kernel.idl.MethodTable;
import java.util.HashMap;
import java.util.Map;

/**
 * Names for the codes an invocation carries: method codes (the low 32 bits of the opcode word) and
 * exception codes (the result word of a reply with EX set). The kernel knows the codes of its own
 * CapIDL from birth (the generated {@code jackal.kernel.idl.MethodTable}); code that boots services
 * with interfaces of their own registers their tables (see {@code jackal.kernel.boot.Kernel}).
 *
 * <p>Read only by tracing (events and the trace), never by the invocation path itself: a table
 * replaced whole on each registration, so readers take no lock.
 */
public final class MethodNames {
  private MethodNames() {}

  private record Tables(Map<Integer, String> methods, Map<Long, String> exceptions) {}

  private static volatile Tables tables = new Tables(Map.of(), Map.of());

  static {
    register(
        MethodTable.codes(),
        MethodTable.names(),
        MethodTable.exceptionCodes(),
        MethodTable.exceptionNames());
  }

  /** Adds codes and their qualified names; a code already known keeps its first name. */
  public static synchronized void register(
      int[] methodCodes, String[] methodNames, long[] exceptionCodes, String[] exceptionNames) {
    if (methodCodes.length != methodNames.length
        || exceptionCodes.length != exceptionNames.length) {
      throw new IllegalArgumentException("codes and names differ in number");
    }
    Tables t = tables;
    Map<Integer, String> m = new HashMap<>(t.methods());
    for (int i = 0; i < methodCodes.length; i++) {
      m.putIfAbsent(methodCodes[i], methodNames[i]);
    }
    Map<Long, String> e = new HashMap<>(t.exceptions());
    for (int i = 0; i < exceptionCodes.length; i++) {
      e.putIfAbsent(exceptionCodes[i], exceptionNames[i]);
    }
    tables = new Tables(Map.copyOf(m), Map.copyOf(e));
  }

  /** The qualified name of method {@code code} ({@code coyotos.KernLog.log}), or null. */
  public static String method(int code) {
    return tables.methods().get(code);
  }

  /** The qualified name of exception {@code code} ({@code coyotos.Cap.RequestError}), or null. */
  public static String exception(long code) {
    return tables.exceptions().get(code);
  }
}
