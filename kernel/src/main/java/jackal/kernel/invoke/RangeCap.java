package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObType;
import jackal.kernel.obj.ObjectTable;
import jackal.kernel.obj.Process;

/**
 * The Range interface: the authority over object storage. It names objects by (type, OID), hands
 * out capabilities to them, and rescinds them. This store is all memory, so no object is ever
 * waited for and the wait variants answer like the get variants.
 */
final class RangeCap extends KernelCap {
  RangeCap() {
    super(Codes.IKT_RANGE);
  }

  @Override
  boolean dispatch(Invocation inv) {
    int op = inv.opcode;
    if (op == Codes.OC_RANGE_IDENTIFY) {
      if (inv.requireArgs(1)) {
        Capability c = inv.capArg(1);
        inv.txn.commit();
        int t = identifyType(c.type);
        inv.result(t < 0 ? Codes.OT_INVALID : t);
        inv.result(t < 0 ? 0 : c.oid);
      }
    } else if (op == Codes.OC_RANGE_RESCIND) {
      if (inv.requireArgs(1)) {
        Capability c = inv.capArg(1);
        if (c.isObjectCap()) {
          inv.machine.rescind(inv, c.target);
        } else {
          inv.txn.commit();
        }
      }
    } else if (op == Codes.OC_RANGE_NEXT_BACKED_SUBRANGE) {
      long start = inv.nextArg();
      long type = inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        ObjectTable table = inv.machine.objects;
        if (type < 0 || type >= ObType.COUNT) {
          inv.error(Codes.RC_REQUEST_ERROR); // not an object type: a malformed request
        } else if (start < 0 || start >= table.bound((int) type)) {
          inv.error(Codes.RC_RANGE_RANGE_ERR);
        } else {
          inv.result(start);
          inv.result(table.bound((int) type));
        }
      }
    } else if (op == Codes.OC_RANGE_GET_CAP || op == Codes.OC_RANGE_WAIT_CAP) {
      long oid = inv.nextArg();
      long type = inv.nextArg();
      if (inv.requireArgs(0)) {
        getCap(inv, oid, type, null);
      }
    } else if (op == Codes.OC_RANGE_GET_PROCESS || op == Codes.OC_RANGE_WAIT_PROCESS) {
      long oid = inv.nextArg();
      if (inv.requireArgs(1)) {
        getCap(inv, oid, ObType.PROCESS, inv.src[1]);
      }
    } else {
      return false;
    }
    return true;
  }

  private static void getCap(Invocation inv, long oid, long type, Capability brand) {
    ObjectTable table = inv.machine.objects;
    if (type < 0 || type >= ObType.COUNT) {
      inv.txn.commit();
      inv.error(Codes.RC_REQUEST_ERROR); // not an object type: a malformed request
      return;
    }
    if (!table.inRange((int) type, oid)) {
      inv.txn.commit();
      inv.error(Codes.RC_RANGE_RANGE_ERR);
      return;
    }
    KObject o = table.get((int) type, oid);
    inv.txn.lock(o);
    inv.txn.commit();
    if (o.isRetired()) {
      inv.error(Codes.RC_RANGE_ALLOC_COUNT_ROLLOVER);
      return;
    }
    if (brand != null) {
      ((Process) o).brand = brand; // the 2007 code dropped the brand; the interface installs it
    }
    inv.resultCap(ObjectTable.fullCap(o));
  }

  private static int identifyType(int capType) {
    return switch (capType) {
      case CapType.PAGE -> ObType.PAGE;
      case CapType.CAP_PAGE -> ObType.CAP_PAGE;
      case CapType.GPT -> ObType.GPT;
      case CapType.PROCESS -> ObType.PROCESS;
      case CapType.ENDPOINT -> ObType.ENDPOINT;
      default -> -1;
    };
  }
}
