package example.ledger;

import example.idl.example.AccountSkeleton;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;

/**
 * The teller's handler for every account's endpoint: tells the clerk which account (the endpoint
 * ID) and which client (the protected payload) the request is for, then lets the skeleton decode it.
 */
final class Desk implements ServerLoop.Handler {
  private final Clerk clerk;
  private final AccountSkeleton skeleton;

  Desk(Clerk clerk, AccountSkeleton skeleton) {
    this.clerk = clerk;
    this.skeleton = skeleton;
  }

  @Override
  public void serve(Ipc ipc, ServerLoop.Reply reply) throws KernelException {
    clerk.account = (int) (ipc.endpointId() - Teller.FIRST_ACCOUNT_ID);
    clerk.client = ipc.payload();
    skeleton.serve(ipc, reply);
  }
}
