package example.kv;

import example.idl.example.KeyValueSkeleton;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.runtime.idl.coyotos.EndpointClient;
import java.util.Map;

/**
 * The key-value server. Its image gives it an endpoint in INITEPT (endpoint ID 1, as every
 * process's initial endpoint has) whose recipient it is, and hands clients entry capabilities to
 * that endpoint: payload {@link #PP_WRITE} may write, {@link #PP_READ} may only read. The server
 * mints its own read-only capability at start, to answer {@code readOnly()}.
 *
 * <p>Data pages: the answer's string area at 0, the request's receive buffer after it.
 */
public final class KvServer implements ProgramEntry {
  /** The payload of the writable facet. */
  public static final int PP_WRITE = 0;

  /** The payload of the read-only facet. */
  public static final int PP_READ = 1;

  /** Where the server keeps its read-only entry capability. */
  static final int READ_ONLY_ENTRY = CapReg.APP0;

  static final long INIT_ENDPOINT_ID = 1;
  static final long STRING_AREA = 0;
  static final long REQUEST_BUFFER = 1024;

  /** The loader makes one for the process. */
  public KvServer() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    long readOnly = CapReg.loc(READ_ONLY_ENTRY);
    new EndpointClient(new Ipc(sys)).makeEntryCap(CapReg.loc(CapReg.INITEPT), PP_READ, readOnly);
    Map<Long, String> values = Store.newMap();
    Ipc ipc = new Ipc(sys);
    ipc.stringBuffer(REQUEST_BUFFER, KeyValueSkeleton.REQUEST_STRING_BYTES);
    new ServerLoop(ipc)
        .register(INIT_ENDPOINT_ID, PP_WRITE, facet(new Store(values, true, readOnly)))
        .register(INIT_ENDPOINT_ID, PP_READ, facet(new Store(values, false, readOnly)))
        .run();
  }

  private static KeyValueSkeleton facet(Store store) {
    return new KeyValueSkeleton(store).stringArea(STRING_AREA, 512);
  }
}
