package jackal.services.boot;

import jackal.kernel.boot.CodeNames;
import jackal.services.idl.MethodTable;

/**
 * The names of the services' CapIDL methods and exceptions (SpaceBank, IoStream, Constructor,
 * TextConsole, ...), from the table the CapIDL compiler generates with their stubs, given to the
 * kernel's trace ({@link CodeNames}) when the first service is built: a trace then prints {@code
 * SpaceBank.alloc(...)} where it would print {@code op 0x...}.
 */
public final class ServiceNames {
  private ServiceNames() {}

  /**
   * The table's class file, which program jars leave out: programs never use it, and every class of
   * a jar is verified when an image stores it.
   */
  public static final String TABLE_CLASS = "jackal/services/idl/MethodTable.class";

  private static final class Once {
    static {
      CodeNames.register(
          MethodTable.codes(),
          MethodTable.names(),
          MethodTable.exceptionCodes(),
          MethodTable.exceptionNames());
    }

    static void touch() {}
  }

  /**
   * Registers the services' names with the kernel's trace (once per JVM; later calls do nothing).
   */
  public static void register() {
    Once.touch();
  }
}
