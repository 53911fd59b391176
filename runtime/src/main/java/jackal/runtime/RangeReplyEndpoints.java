package jackal.runtime;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.runtime.idl.coyotos.EndpointClient;
import jackal.runtime.idl.coyotos.RangeClient;
import jackal.runtime.idl.coyotos.RangeIdentifyResult;
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
    RangeClient r = new RangeClient(ipc);
    EndpointClient e = new EndpointClient(ipc);
    long replyEpt = CapLoc.reg(CapReg.REPLYEPT);
    r.getCap(range, oid, Codes.OT_ENDPOINT, scratchNew);
    e.setRecipient(scratchNew, CapLoc.reg(CapReg.SELF));
    e.setEndpointID(scratchNew, 0);
    e.setPayloadMatch(scratchNew);
    ipc.copyCap(replyEpt, scratchOld);
    ipc.copyCap(scratchNew, replyEpt); // from here on, replies come through the new endpoint
    RangeIdentifyResult old = r.identify(range, scratchOld);
    r.rescind(range, scratchOld);
    if (old.type() == Codes.OT_ENDPOINT) {
      pool.add(old.offset());
    }
    ipc.copyCap(CapLoc.reg(CapReg.NULL), scratchOld);
    ipc.copyCap(CapLoc.reg(CapReg.NULL), scratchNew);
  }
}
