package jackal.runtime;

import jackal.kernel.api.Codes;

/**
 * Client stubs for the memory interfaces (Memory, AddressSpace, GPT, Window, LocalWindow) and
 * AppNotice, marshalled as {@link KernelStubs} does. Targets and capability arguments are
 * capability locations; returned capabilities go to {@code into}.
 */
public final class MemoryStubs {
  private final Ipc ipc;
  private final long[] w;

  public MemoryStubs(Ipc ipc) {
    this.ipc = ipc;
    this.w = ipc.w;
  }

  // ------------------------------------------------------------------ Memory

  public void reduce(long mem, int mask, long into) throws KernelException {
    w[1] = Codes.OC_MEMORY_REDUCE;
    w[2] = mask;
    ipc.resultInto(0, into).callOrThrow(mem, 2, 0, 0);
  }

  /** A copy of {@code mem} with guard {@code (match << 8) | l2g}, stored at {@code into}. */
  public void setGuard(long mem, int match, int l2g, long into) throws KernelException {
    w[1] = Codes.OC_MEMORY_SET_GUARD;
    w[2] = ((long) match << 8 | l2g) & 0xFFFF_FFFFL;
    ipc.resultInto(0, into).callOrThrow(mem, 2, 0, 0);
  }

  public long getGuard(long mem) throws KernelException {
    w[1] = Codes.OC_MEMORY_GET_GUARD;
    ipc.callOrThrow(mem, 1, 0, -1);
    return w[1];
  }

  public int getRestrictions(long mem) throws KernelException {
    w[1] = Codes.OC_MEMORY_GET_RESTRICTIONS;
    ipc.callOrThrow(mem, 1, 0, -1);
    return (int) w[1];
  }

  // ------------------------------------------------------------------ AddressSpace

  public void getSlot(long space, int slot, long into) throws KernelException {
    w[1] = Codes.OC_AS_GET_SLOT;
    w[2] = slot;
    ipc.resultInto(0, into).callOrThrow(space, 2, 0, 0);
  }

  public void setSlot(long space, int slot, long cap) throws KernelException {
    w[1] = Codes.OC_AS_SET_SLOT;
    w[2] = slot;
    ipc.capArg(1, cap).callOrThrow(space, 2, 1, -1);
  }

  public void guardedSetSlot(long space, int slot, long cap, int match, int l2g)
      throws KernelException {
    w[1] = Codes.OC_AS_GUARDED_SET_SLOT;
    w[2] = slot;
    w[3] = ((long) match << 8 | l2g) & 0xFFFF_FFFFL;
    ipc.capArg(1, cap).callOrThrow(space, 3, 1, -1);
  }

  public void fetch(long space, long offset, long into) throws KernelException {
    w[1] = Codes.OC_AS_FETCH;
    w[2] = offset;
    ipc.resultInto(0, into).callOrThrow(space, 2, 0, 0);
  }

  public void store(long space, long offset, long cap) throws KernelException {
    w[1] = Codes.OC_AS_STORE;
    w[2] = offset;
    ipc.capArg(1, cap).callOrThrow(space, 2, 1, -1);
  }

  /** {l2slot, perms}; the slot's capability goes to {@code into}. */
  public long[] extendedFetch(long space, long offset, int l2arg, long into)
      throws KernelException {
    w[1] = Codes.OC_AS_EXTENDED_FETCH;
    w[2] = offset;
    w[3] = l2arg;
    ipc.resultInto(0, into).callOrThrow(space, 3, 0, 0);
    return new long[] {w[1], w[2]};
  }

  public void extendedStore(long space, long offset, int l2arg, int match, int l2g, long cap)
      throws KernelException {
    w[1] = Codes.OC_AS_EXTENDED_STORE;
    w[2] = offset;
    w[3] = l2arg;
    w[4] = ((long) match << 8 | l2g) & 0xFFFF_FFFFL;
    ipc.capArg(1, cap).callOrThrow(space, 4, 1, -1);
  }

  public void erase(long space) throws KernelException {
    w[1] = Codes.OC_AS_ERASE;
    ipc.callOrThrow(space, 1, 0, -1);
  }

  public void copyFrom(long space, long other, long into) throws KernelException {
    w[1] = Codes.OC_AS_COPY_FROM;
    ipc.capArg(1, other).resultInto(0, into).callOrThrow(space, 1, 1, 0);
  }

  // ------------------------------------------------------------------ GPT

  /** Sets l2v and returns the old value. */
  public int setL2v(long gpt, int l2v) throws KernelException {
    w[1] = Codes.OC_GPT_SET_L2V;
    w[2] = l2v;
    ipc.callOrThrow(gpt, 2, 0, -1);
    return (int) w[1];
  }

  public int getL2v(long gpt) throws KernelException {
    w[1] = Codes.OC_GPT_GET_L2V;
    ipc.callOrThrow(gpt, 1, 0, -1);
    return (int) w[1];
  }

  public void setHandler(long gpt, boolean hasHandler) throws KernelException {
    w[1] = Codes.OC_GPT_SET_HANDLER;
    w[2] = hasHandler ? 1 : 0;
    ipc.callOrThrow(gpt, 2, 0, -1);
  }

  public boolean getHandler(long gpt) throws KernelException {
    w[1] = Codes.OC_GPT_GET_HANDLER;
    ipc.callOrThrow(gpt, 1, 0, -1);
    return w[1] != 0;
  }

  public void makeLocalWindow(
      long gpt, int slot, int restr, long offset, int match, int l2g, int localRoot)
      throws KernelException {
    w[1] = Codes.OC_GPT_MAKE_LOCAL_WINDOW;
    w[2] = slot;
    w[3] = restr;
    w[4] = offset;
    w[5] = ((long) match << 8 | l2g) & 0xFFFF_FFFFL;
    w[6] = localRoot;
    ipc.callOrThrow(gpt, 6, 0, -1);
  }

  public void makeBackgroundWindow(long gpt, int slot, int restr, long offset, int match, int l2g)
      throws KernelException {
    w[1] = Codes.OC_GPT_MAKE_BACKGROUND_WINDOW;
    w[2] = slot;
    w[3] = restr;
    w[4] = offset;
    w[5] = ((long) match << 8 | l2g) & 0xFFFF_FFFFL;
    ipc.callOrThrow(gpt, 5, 0, -1);
  }

  // ------------------------------------------------------------------ Window

  public long getOffset(long window) throws KernelException {
    w[1] = Codes.OC_WINDOW_GET_OFFSET;
    ipc.callOrThrow(window, 1, 0, -1);
    return w[1];
  }

  public int getRootSlot(long localWindow) throws KernelException {
    w[1] = Codes.OC_LOCAL_WINDOW_GET_ROOT_SLOT;
    ipc.callOrThrow(localWindow, 1, 0, -1);
    return (int) w[1];
  }

  // ------------------------------------------------------------------ AppNotice

  /** Posts notices (oneway: no reply, never blocks). */
  public void postNotice(long appNotice, int notices) {
    w[1] = Codes.OC_APP_NOTICE_POST_NOTICE;
    w[2] = notices & 0xFFFF_FFFFL;
    w[jackal.kernel.api.ParameterBlock.SNDCAP] = CapReg.loc(CapReg.NULL);
    ipc.send(appNotice, 2, 0, false);
  }

  public int getNotices(long appNotice) throws KernelException {
    w[1] = Codes.OC_APP_NOTICE_GET_NOTICES;
    ipc.callOrThrow(appNotice, 1, 0, -1);
    return (int) w[1];
  }
}
