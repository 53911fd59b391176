package jackal.services.stream;

import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.IoStreamSkeleton;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * What the Null and Zero stream programs share: at start the server makes its entry capability from
 * the endpoint in INITEPT (every request comes through that endpoint, on one facet), then serves
 * requests. Its data pages: the answer's string area at 0, the request's receive buffer after it.
 */
abstract class BlankStreamProgram {
  /** Where the server keeps its own entry capability (Coyotos's MyEntry). */
  static final int MY_ENTRY = CapReg.APP0;

  /** The endpoint ID of INITEPT, as every process's initial endpoint has. */
  static final long INIT_ENDPOINT_ID = 1;

  /** The protected payload of the stream's entry capability: its one facet. */
  static final int PP_COMMON = 0;

  static final long STRING_AREA = 0;
  static final long REQUEST_BUFFER = IoStreams.BUF_LIMIT;

  /** Data pages the program needs: its string area and its receive buffer. */
  static final int DATA_PAGES = 2;

  private BlankStreamProgram() {}

  static void serve(SystemCalls sys, boolean zeros) throws KernelException {
    Ipc calls = new Ipc(sys);
    new EndpointClient(calls)
        .makeEntryCap(CapReg.loc(CapReg.INITEPT), PP_COMMON, CapReg.loc(MY_ENTRY));
    BlankStream stream =
        new BlankStream(zeros, CapReg.loc(MY_ENTRY), new SpaceBankClient(new Ipc(sys)));
    Ipc ipc = new Ipc(sys);
    ipc.stringBuffer(REQUEST_BUFFER, IoStreamSkeleton.REQUEST_STRING_BYTES);
    IoStreamSkeleton skeleton = new IoStreamSkeleton(stream);
    skeleton.stringArea(STRING_AREA, IoStreams.BUF_LIMIT);
    new ServerLoop(ipc).register(INIT_ENDPOINT_ID, skeleton).run();
  }
}
