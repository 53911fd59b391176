package jackal.services.stream;

import static jackal.kernel.api.ParameterBlock.SNDCAP;

import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.AddressSpaceClient;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.IoStreamSkeleton;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * What the Null and Zero stream programs share: at start the server makes its entry capability from
 * the endpoint in INITEPT (every request comes through that endpoint, on one facet), then serves
 * requests. Its data pages: the answer's string area at 0, the request's receive buffer after it.
 *
 * <p>A stream a constructor built (its TOOLS a capability page, as every yield's is) runs in a
 * copy-on-write space of its own: it first touches its two data pages, so that their copies are
 * made before any message lands in them, then answers its creator (the reply capability the
 * constructor left in RETURN) with its entry capability, as Coyotos's streams do. A stream built
 * into an image by hand has Null in TOOLS and nobody to answer.
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

  /** Where a yield reads its first tool, to learn that it is one. */
  private static final int SCRATCH = CapReg.APP0 + 1;

  static void serve(SystemCalls sys, boolean zeros) throws KernelException {
    Ipc calls = new Ipc(sys);
    EndpointClient endpoints = new EndpointClient(calls);
    endpoints.makeEntryCap(CapReg.loc(CapReg.INITEPT), PP_COMMON, CapReg.loc(MY_ENTRY));
    long endpointId = INIT_ENDPOINT_ID;
    if (isYield(calls)) {
      byte[] page = new byte[(int) REQUEST_BUFFER];
      sys.write(STRING_AREA, page, 0, page.length);
      sys.write(REQUEST_BUFFER, page, 0, page.length);
      endpointId = endpoints.getEndpointID(CapReg.loc(CapReg.INITEPT));
      calls.w[SNDCAP] = CapReg.loc(MY_ENTRY);
      calls.send(CapReg.loc(CapReg.RETURN), 0, 0, true);
    }
    BlankStream stream =
        new BlankStream(zeros, CapReg.loc(MY_ENTRY), new SpaceBankClient(new Ipc(sys)));
    Ipc ipc = new Ipc(sys);
    ipc.stringBuffer(REQUEST_BUFFER, IoStreamSkeleton.REQUEST_STRING_BYTES);
    IoStreamSkeleton skeleton = new IoStreamSkeleton(stream);
    skeleton.stringArea(STRING_AREA, IoStreams.BUF_LIMIT);
    new ServerLoop(ipc).register(endpointId, skeleton).run();
  }

  /** True when TOOLS holds a capability page (a constructor's yield), false when it is Null. */
  private static boolean isYield(Ipc calls) throws KernelException {
    try {
      new AddressSpaceClient(calls).getSlot(CapReg.loc(CapReg.TOOLS), 0, CapReg.loc(SCRATCH));
      return true;
    } catch (KernelException e) {
      return false;
    }
  }
}
