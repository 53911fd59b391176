package jackal.kernel.invoke;

import static jackal.kernel.api.ParameterBlock.EPID;
import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.INVCAP;
import static jackal.kernel.api.ParameterBlock.OPCODE;
import static jackal.kernel.api.ParameterBlock.PP;
import static jackal.kernel.api.ParameterBlock.RCVBOUND;
import static jackal.kernel.api.ParameterBlock.RCVCAP;
import static jackal.kernel.api.ParameterBlock.RCVPTR;
import static jackal.kernel.api.ParameterBlock.SNDCAP;
import static jackal.kernel.api.ParameterBlock.SNDLEN;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;

/**
 * The three system calls, each one transaction. The InvokeCap path follows the reference's
 * algorithm in order: validate, send phase (marshal, prepare for invocation, then either IPC to a
 * ready receiver or a kernel capability's answer), receive phase, copy-out.
 *
 * <p>Everything before {@code txn.commit()} only reads and locks, so it may abandon (a {@link
 * jackal.kernel.sched.Restart}, a {@link SyscallFault}, or sleeping on a stall queue) with no
 * visible effect; everything after it cannot fail.
 */
final class SystemCall {
  private SystemCall() {}

  /** {@link Process#received}: written with release by a sender, read with acquire by Gate. */
  static final java.lang.invoke.VarHandle RECEIVED;

  static {
    try {
      RECEIVED =
          java.lang.invoke.MethodHandles.lookup()
              .findVarHandle(Process.class, "received", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The call completed; return to the program. */
  static final int DONE = 0;

  /** The process waits (receiving, stalled or faulted); re-run the call when woken. */
  static final int BLOCK = 1;

  /** Yield: requeue at the back; the call is complete when the process runs again. */
  static final int YIELD = 2;

  /**
   * Thrown, before the commit point, by a shipped call ({@link #executeShipped}) that is not a
   * message to a process: nothing of it is done, and its own trap runs it instead.
   */
  static final class NotShipped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final NotShipped INSTANCE = new NotShipped();

    private NotShipped() {
      super("not a call to ship", null, false, false);
    }
  }

  /**
   * Runs the call {@code p} shipped to this invocation's CPU (docs/DESIGN-NOTES.md, "A cross-CPU
   * call runs where its recipient is"): the same transaction as its trap would run, on another
   * CPU's thread, for a process that is off every CPU. Only an InvokeCap whose invoked capability
   * turns out to name a process's endpoint (the message is delivered, or the caller sleeps until
   * its recipient can take it) is run; anything else (a kernel capability's call, a fault to
   * deliver or to take, a call that is not InvokeCap) throws {@link NotShipped} before the commit
   * point, so its trap runs it from the start with nothing done.
   */
  static int executeShipped(Invocation inv, Process p, ParameterBlock pb) {
    inv.shipped = true;
    try {
      return execute(inv, p, pb);
    } finally {
      inv.shipped = false;
    }
  }

  static int execute(Invocation inv, Process p, ParameterBlock pb) {
    // Save the parameters before anything looks at them: from here on the kernel reads only its
    // copy, whatever the program does to its block.
    inv.takeParameters(pb);
    inv.txn.lock(p);
    p.received = false; // a delivery before a restart of the program is not this call's
    if (p.cont == null) {
      return BLOCK; // destroyed while running; the gate unwinds the program
    }
    if (inv.shipped && (p.faultCode != 0 || Icw.nr(inv.icw) != Syscall.INVOKE_CAP)) {
      throw NotShipped.INSTANCE;
    }
    p.pb = pb;
    if (p.faultCode != 0) {
      return Faults.deliver(inv, p);
    }
    try {
      long icw = inv.icw;
      return switch (Icw.nr(icw)) {
        case Syscall.INVOKE_CAP -> invokeCap(inv, p, pb);
        // CopyCap and Yield take no flags: their control word is exactly their number.
        case Syscall.COPY_CAP -> icw == Syscall.COPY_CAP ? copyCap(inv, p) : malformed();
        case Syscall.YIELD -> icw == Syscall.YIELD ? YIELD : malformed();
        default -> malformed();
      };
    } catch (SyscallFault f) {
      if (inv.shipped) {
        throw NotShipped.INSTANCE; // taken before the commit point: the trap takes it itself
      }
      return Faults.take(inv, p, f.code, f.info);
    }
  }

  private static int malformed() {
    throw new SyscallFault(FaultCode.MALFORMED_SYSCALL, 0);
  }

  private static int copyCap(Invocation inv, Process p) {
    Capability c = CapLocs.read(inv, p, inv.in[1]);
    long dest = inv.in[2];
    CapLocs.checkForm(dest);
    int fc = CapLocs.prepareWrite(inv, p, dest, 0);
    if (fc != 0) {
      throw new SyscallFault(fc, fc == FaultCode.MALFORMED_SYSCALL ? 0 : dest & ~1L);
    }
    inv.txn.commit();
    CapLocs.write(inv, p, 0, c);
    return DONE;
  }

  // ==================================================================== InvokeCap

  private static int invokeCap(Invocation inv, Process p, ParameterBlock pb) {
    final Machine m = inv.machine;
    final long[] in = inv.in;
    inv.begin(p, pb);
    long icw = inv.icw;

    // ---- Phase 0: validate everything that can make the call malformed (the saved copy only).
    if ((icw & ~Icw.VALID_BITS) != 0 || (icw & (Icw.SG | Icw.AS)) != 0) {
      throw new SyscallFault(FaultCode.MALFORMED_SYSCALL, 0);
    }
    if ((icw & Icw.SP) != 0) {
      if (Long.compareUnsigned(in[SNDLEN], Syscall.MAX_SNDLEN) > 0) {
        throw new SyscallFault(FaultCode.MALFORMED_SYSCALL, 0);
      }
    }
    if ((icw & Icw.RP) != 0) {
      if (Long.compareUnsigned(in[RCVBOUND], Syscall.MAX_SNDLEN) > 0) {
        throw new SyscallFault(FaultCode.MALFORMED_SYSCALL, 0);
      }
      if ((icw & Icw.AC) != 0) {
        for (int i = 0; i <= Icw.lrc(icw); i++) {
          CapLocs.checkForm(in[RCVCAP + i]);
        }
      }
    }

    // ---- Phase 1: send.
    if ((icw & Icw.SP) != 0) {
      // Marshal the invoked capability and the capabilities sent.
      inv.iCap = CapLocs.readInvoked(inv, p, in[INVCAP]);
      if ((icw & Icw.SC) != 0) {
        for (int i = 0; i <= Icw.lsc(icw); i++) {
          inv.src[i] = CapLocs.read(inv, p, in[SNDCAP + i]);
        }
        if ((icw & Icw.RC) != 0) {
          fabricateReplyCap(inv);
        }
      }
      boolean nonBlocking = (icw & Icw.NB) != 0;
      Endpoint ep = m.prepareForInvocation(inv, inv.iCap, !nonBlocking, false);
      if (inv.slept) {
        return BLOCK;
      }
      if (ep == null && inv.shipped) {
        throw NotShipped.INSTANCE; // a kernel capability's call, or no recipient: run at home
      }
      if (ep != null) {
        int outcome = ipc(inv, p, ep);
        if (outcome != DONE) {
          return outcome;
        }
      } else {
        inv.iCap = m.prepare(inv.txn, inv.iCap);
        if (inv.iCap.type == CapType.ENTRY) {
          // A valid Entry capability whose recipient is not ready, sent with NB: the message is
          // dropped, so that a server replying to an untrusted client never blocks (the spec;
          // the 2007 code slept on the endpoint instead).
          inv.txn.commit();
        } else {
          int outcome = kernelCall(inv, p, pb);
          if (outcome != DONE) {
            return outcome;
          }
          if (p.cont == null) {
            return BLOCK; // the call destroyed its caller, or discarded its stack (setSpaceAndPC)
          }
        }
      }
    }

    // ---- Phase 2: receive. The kernel's view of the control word: a reply to oneself during the
    // send phase cleared RP and SP in it (never re-read from the block).
    icw = inv.icw;
    if ((icw & Icw.RP) != 0) {
      inv.txn.commit();
      if ((icw & Icw.CW) == 0 && p.notices != 0) {
        // Pending notices take priority over senders in an open wait.
        long opw0 = AppNoticeCap.deliverToSelf(p, pb, icw);
        p.runState = Process.RUNNING;
        if (p.receiveSuspended) {
          p.receiveSuspended = false; // it received: senders held for it run again
          p.wakeSenders(m.scheduler, inv.cpu);
        }
        pb.w[ICW] = opw0 & ~(Icw.CO | Icw.SP);
        return DONE;
      }
      pb.w[ICW] = icw & ~Icw.SP;
      takeReceive(p, icw & ~Icw.SP, in);
      p.runState = Process.RECEIVING;
      p.receiveSuspended = false;
      p.wakeSenders(m.scheduler, inv.cpu);
      return BLOCK;
    }

    // ---- Phase 3: copy out. A sender wrote the soft parameters straight into the block when this
    // receive asked for them (CO), so only the phase bits remain to clear.
    inv.txn.commit();
    pb.w[ICW] = icw & ~(Icw.CO | Icw.SP);
    return DONE;
  }

  /**
   * The receive {@code p} is starting to wait in, from the words saved at its trap (checked in
   * phase 0): senders use these, never the block the program still holds.
   */
  private static void takeReceive(Process p, long icw, long[] in) {
    p.rcvIcw = icw;
    p.rcvBound = in[RCVBOUND];
    p.rcvPtr = in[RCVPTR];
    p.rcvEpId = in[EPID];
    p.takeRcvCaps(in, RCVCAP);
  }

  /**
   * Writes a message's parameter words into receiver {@code r}'s block, whose receive is the one in
   * {@code inv} ({@link Invocation#loadReceive}). Words 0-3 travel in registers on Coyotos and
   * always arrive; words 4-7, the payload, the string length and the endpoint ID are soft
   * parameters and arrive only if the receive asked for them with CO (copyout_soft_parameters).
   * Returns the control word written.
   */
  static long deliverWords(
      Invocation inv,
      Process r,
      ParameterBlock rpb,
      long opw0,
      long[] words,
      long pp,
      long sndLen,
      long epId) {
    int ldw = Icw.ldw(opw0);
    System.arraycopy(words, OPCODE, rpb.w, OPCODE, Math.min(ldw, HARD_WORDS));
    if ((inv.rcvIcw & Icw.CO) != 0) {
      if (ldw > HARD_WORDS) {
        System.arraycopy(words, HARD_WORDS + 1, rpb.w, HARD_WORDS + 1, ldw - HARD_WORDS);
      }
      rpb.w[PP] = pp;
      rpb.w[SNDLEN] = sndLen;
      rpb.w[EPID] = epId;
    }
    if (r == inv.invoker) {
      rpb.w[ICW] = opw0;
      inv.icw = opw0;
    } else {
      // The receiver's call is complete: it returns without running the call again, so its
      // control word is final now (phase 3's clearing of CO included).
      rpb.w[ICW] = opw0 & ~Icw.CO;
      // A release store, after every word of the message: a caller that hosts its server in place
      // reads this flag with an acquire load before it takes its lock again, and returns on it
      // (Gate.afterInPlace), so the words must be visible to it by then.
      RECEIVED.setRelease(r, true);
    }
    return opw0;
  }

  /** Data words 1..3 travel in registers (IA-32: EBX, ESI, EDI); the rest are soft. */
  private static final int HARD_WORDS = 3;

  /**
   * RC with an Endpoint capability in send slot 0: send an Entry capability to that endpoint
   * carrying its current payload instead. The original capability is untouched.
   */
  private static void fabricateReplyCap(Invocation inv) {
    Capability c0 = inv.machine.prepare(inv.txn, inv.src[0]);
    if (c0.type == CapType.ENDPOINT) {
      Endpoint replyEp = (Endpoint) c0.target;
      inv.replyEp = replyEp;
      inv.replyPayload = replyEp.protPayload;
      inv.src[0] = null; // made when delivered (CapLocs.writeReply), or by sentCap(0)
    }
  }

  /**
   * Section 3.2: deliver the message to a receiver that is waiting for it. Returns DONE when the
   * message was delivered (or dropped, for a non-blocking sender whose receiver's buffers fault),
   * BLOCK when the receiver's fault must be handled first and the sender waits for it.
   */
  private static int ipc(Invocation inv, Process p, Endpoint ep) {
    final Process r = inv.invokee;
    final long[] in = inv.in;
    final long icw = inv.icw;
    inv.loadReceive(r);
    final long ricw = inv.rcvIcw;
    final boolean nonBlocking = (icw & Icw.NB) != 0;
    SpaceAccess.Failure failure = inv.failure;

    // Where the receiver's capabilities go: marshalled now, so writing them after the commit point
    // cannot fail. Memory locations must be writable in its space.
    int ncaps = 0;
    if ((icw & Icw.SC) != 0 && (ricw & Icw.AC) != 0) {
      ncaps = Math.min(Icw.lsc(icw), Icw.lrc(ricw)) + 1;
    }
    if ((ricw & Icw.AC) != 0) {
      for (int i = 0; i <= Icw.lrc(ricw); i++) {
        long loc = inv.rcvCap[i];
        int fc = CapLocs.prepareWrite(inv, r, loc, i);
        if (fc != 0) {
          if (nonBlocking) {
            inv.txn.commit();
            return DONE; // dropped: the sender goes on to its receive phase
          }
          return chargeReceiver(inv, r, fc, fc == FaultCode.MALFORMED_SYSCALL ? 0 : loc & ~1L);
        }
      }
    }

    // The string: the sender's bytes must be readable (else the sender faults); the receiver's
    // buffer must be writable (else the receiver faults, or the string is cut short for NB).
    final int sndLen = (int) in[SNDLEN];
    final long sndPtr = in[ParameterBlock.SNDPTR];
    final long rcvPtr = inv.rcvPtr;
    int xfer = 0;
    boolean truncated = false;
    if (sndLen > 0) {
      if (SpaceAccess.accessible(inv, p.addrSpace, sndPtr, sndLen, false, failure, inv.sendPages)
          < sndLen) {
        throw new SyscallFault(failure.code, failure.address);
      }
      int want = (int) Math.min(sndLen, inv.rcvBound);
      xfer =
          SpaceAccess.accessible(inv, r.addrSpace, rcvPtr, want, true, failure, inv.receivePages);
      if (xfer < want) {
        if (!nonBlocking) {
          return chargeReceiver(inv, r, failure.code, failure.address);
        }
        truncated = true;
      }
    }

    inv.txn.commit();

    // The payload first: delivering the capabilities may reissue the invoked reply capability,
    // when a process replies into its own register.
    final long pp = inv.iCap.payload();
    if (xfer > 0) {
      SpaceAccess.copy(inv.sendPages, sndPtr, inv.receivePages, rcvPtr, xfer);
    }
    for (int i = 0; i < ncaps; i++) {
      if (inv.src[i] == null) {
        CapLocs.writeReply(inv, r, i); // the reply capability RC asked for
      } else {
        CapLocs.write(inv, r, i, inv.src[i]);
      }
    }
    if (ep.pm) {
      ep.protPayload++;
    }
    long opw0 = (ricw & Icw.PRESERVE) | (icw & (Icw.LDW_MASK | Icw.LSC_MASK | Icw.SC | Icw.EX));
    if (truncated) {
      opw0 |= Icw.NB;
    }
    deliverWords(inv, r, r.pb, opw0, in, pp, truncated ? xfer : sndLen, ep.endpointID);
    r.runState = Process.RUNNING;

    // Without a receive phase the sender keeps its slice; with one, it donates it.
    inv.machine.scheduler.makeReady(r, (icw & Icw.RP) != 0, inv.cpu);
    if ((icw & Icw.RP) != 0 && !ep.pm && inv.machine.shipCalls) {
      noteWhereRecipientRuns(p, r, in[INVCAP]);
    }
    return DONE;
  }

  /**
   * After a call delivered to {@code r}: if {@code r} may not run on its caller {@code p}'s CPU,
   * {@code p}'s next call through the same capability location is shipped to {@code r}'s CPU
   * ({@link Process#shipTo}); otherwise no call is. Written only when it changes: {@code p} is
   * locked, but its line may be the other CPU's.
   */
  private static void noteWhereRecipientRuns(Process p, Process r, long invCapLoc) {
    int to = r.mayRunOn(p.homeCpu) ? -1 : r.homeCpu;
    if (p.shipTo != to) {
      p.shipTo = to;
    }
    if (to >= 0 && p.shipLoc != invCapLoc) {
      p.shipLoc = invCapLoc;
    }
  }

  /**
   * A fault taken while writing into a receiver is the receiver's, taken now. A memory fault is
   * first offered to the memory handler on the receiver's path ({@link Faults}): once delivered,
   * the receiver is FAULTED and the sender waits until it receives again; while that handler is
   * busy, the sender waits for the handler and the receiver records nothing. A fault no memory
   * handler takes is {@link #faultReceiver}'s.
   */
  static int chargeReceiver(Invocation inv, Process r, int fc, long address) {
    if (Faults.isMemoryFault(fc)) {
      int offered = Faults.offerToMemoryHandler(inv, r, fc, address);
      if (offered == Faults.DELIVERED) {
        r.rcvWaitQ().add(inv.invoker); // r is FAULTED now: retry once it receives again
        return BLOCK;
      }
      if (offered == Faults.HANDLER_BUSY) {
        return BLOCK;
      }
    }
    return faultReceiver(inv, r, fc, address);
  }

  /**
   * The receiver records the fault and runs (at the front, on this CPU's slice) to get it to its
   * process handler, and the sender waits until it receives again.
   */
  static int faultReceiver(Invocation inv, Process r, int fc, long address) {
    inv.txn.commit();
    r.faultCode = fc;
    r.faultInfo = address;
    r.runState = Process.RUNNING;
    inv.machine.scheduler.makeReady(r, true, inv.cpu);
    r.rcvWaitQ().add(inv.invoker);
    return BLOCK;
  }

  /**
   * Section 3.3: a kernel capability (or Null, or an invalid capability, which behaves as Null)
   * acts like a server that answers at once. Effects happen even if no reply can be delivered.
   */
  private static int kernelCall(Invocation inv, Process p, ParameterBlock pb) {
    final Machine m = inv.machine;
    final long icw = inv.icw;
    boolean willing = (icw & Icw.NB) == 0;
    Endpoint ep;
    long pp = 0;
    if ((icw & Icw.SC) == 0) {
      ep = null;
    } else if (inv.replyEp != null) {
      // A fabricated reply capability is valid by construction: its endpoint is locked and it
      // carries that endpoint's current payload.
      ep = m.prepareEndpointForInvocation(inv, inv.replyEp, willing, true);
      pp = inv.replyPayload & 0xFFFF_FFFFL;
    } else {
      ep = m.prepareForInvocation(inv, inv.src[0], willing, true);
      if (ep != null) {
        pp = inv.src[0].payload();
      }
    }
    if (inv.slept) {
      return BLOCK;
    }
    long ricw = 0;
    if (ep != null) {
      Process r = inv.invokee;
      inv.loadReceive(r);
      ricw = inv.rcvIcw;
      if ((ricw & Icw.AC) != 0) {
        for (int i = 0; i <= Icw.lrc(ricw); i++) {
          if (CapLocs.prepareWrite(inv, r, inv.rcvCap[i], i) != 0) {
            inv.invokee = null; // no reply: its capability slots would fault
            break;
          }
        }
      }
    }

    inv.beginKernelCall();
    if (Icw.ldw(icw) < 1) {
      inv.txn.commit();
      inv.error(Codes.RC_REQUEST_ERROR);
    } else {
      m.handler(inv.iCap.type).invoke(inv);
      if (inv.sleepUntil != 0) {
        m.timer.sleep(p, inv.sleepUntil); // wait, then re-run the call
        return BLOCK;
      }
      if (inv.slept) {
        return BLOCK; // the handler parked the invoker for good (a SysCtl halt)
      }
      inv.txn.commit(); // a handler that committed already is unaffected
    }
    inv.finishReply();

    Process r = inv.invokee;
    if (r == null || inv.replySuppressed || r.cont == null) {
      return DONE;
    }
    ParameterBlock rpb = r == p ? pb : r.pb;
    if (ep.pm) {
      ep.protPayload++;
    }
    long[] opw = inv.opw;
    // The receive loaded before the handler ran is still the one to use: no kernel capability
    // changes another process's receive (Coyotos re-reads it for SetRegs, which Jackal lacks).
    inv.rcvIcw = ricw;
    long opw0 = (ricw & Icw.PRESERVE) | opw[0];
    if ((opw0 & Icw.SC) != 0 && (opw0 & Icw.AC) != 0) {
      int n = Math.min(Icw.lsc(opw[0]), Icw.lrc(opw0)) + 1;
      for (int i = 0; i < n; i++) {
        CapLocs.write(inv, r, i, inv.resultCaps[i]);
      }
    }
    deliverWords(inv, r, rpb, opw0, opw, pp, 0, ep.endpointID);
    if (r != p) {
      r.runState = Process.RUNNING;
      m.scheduler.makeReady(r, (icw & Icw.RP) != 0, inv.cpu);
    }
    return DONE;
  }
}
