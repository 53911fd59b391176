package jackal.services.constructor;

import static jackal.kernel.api.ParameterBlock.SNDCAP;

import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.EndpointClient;

/**
 * What a constructor's yield does first: the constructor does not answer {@code create}, it hands
 * the caller's reply capability to the new process (in RETURN), and the new process answers with
 * the capability it chooses to be known by. It uses the runtime library's own Endpoint client, so a
 * yield needs only its own classes and this one beside the runtime segment.
 */
public final class Yield {
  private Yield() {}

  /**
   * Answers the creator, without waiting, with an Entry capability to this process's INITEPT
   * carrying {@code payload}, made in register {@code scratch}.
   */
  public static void answerCreator(Ipc ipc, int payload, int scratch) throws KernelException {
    new EndpointClient(ipc).makeEntryCap(CapReg.loc(CapReg.INITEPT), payload, CapReg.loc(scratch));
    ipc.w[SNDCAP] = CapReg.loc(scratch);
    ipc.send(CapReg.loc(CapReg.RETURN), 0, 0, true);
  }
}
