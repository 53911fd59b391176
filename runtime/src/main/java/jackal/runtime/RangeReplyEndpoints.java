package jackal.runtime;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import java.util.ArrayDeque;

/**
 * Reply-endpoint renewal from a Range capability and a pool of endpoint OIDs this process owns (the
 * space bank will take this job over). A retired endpoint's OID goes back to the pool: rescinding
 * raised its allocation count, so capabilities to its old incarnation stay dead.
 */
public final class RangeReplyEndpoints implements ReplyEndpointRenewal {
  private final long range;
  private final long scratchNew;
  private final long scratchOld;
  private final ArrayDeque<Long> pool = new ArrayDeque<>();

  /**
   * @param rangeReg register holding a Range capability
   * @param firstOid first endpoint OID of the pool
   * @param count number of OIDs in the pool
   * @param scratchNewReg, scratchOldReg two registers the renewal may overwrite
   */
  public RangeReplyEndpoints(
      int rangeReg, long firstOid, int count, int scratchNewReg, int scratchOldReg) {
    this.range = CapLoc.reg(rangeReg);
    this.scratchNew = CapLoc.reg(scratchNewReg);
    this.scratchOld = CapLoc.reg(scratchOldReg);
    for (int i = 0; i < count; i++) {
      pool.add(firstOid + i);
    }
  }

  @Override
  public void renew(Ipc ipc) throws KernelException {
    Long oid = pool.poll();
    if (oid == null) {
      throw new KernelException(Codes.RC_RANGE_RANGE_ERR);
    }
    KernelStubs k = new KernelStubs(ipc);
    long replyEpt = CapLoc.reg(CapReg.REPLYEPT);
    k.getCap(range, oid, Codes.OT_ENDPOINT, scratchNew);
    k.setRecipient(scratchNew, CapLoc.reg(CapReg.SELF));
    k.setEndpointId(scratchNew, 0);
    k.setPayloadMatch(scratchNew);
    ipc.copyCap(replyEpt, scratchOld);
    ipc.copyCap(scratchNew, replyEpt); // from here on, replies come through the new endpoint
    long[] old = k.identify(range, scratchOld);
    k.rescind(range, scratchOld);
    if (old[0] == Codes.OT_ENDPOINT) {
      pool.add(old[1]);
    }
    ipc.copyCap(CapLoc.reg(CapReg.NULL), scratchOld);
    ipc.copyCap(CapLoc.reg(CapReg.NULL), scratchNew);
  }
}
