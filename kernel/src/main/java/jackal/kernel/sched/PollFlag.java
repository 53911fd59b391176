package jackal.kernel.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One CPU's part of the shared poll word: whether the process this CPU runs has a bit set in its
 * {@link PollWord}. The shared word (the static field every loaded program's checks read) counts
 * the CPUs whose flag is up, so it is non-zero exactly while some CPU runs a process that needs the
 * kernel, and a check anywhere then takes its slow path, which looks at its own CPU only.
 *
 * <p>Who writes what, and why no mark is lost:
 *
 * <ul>
 *   <li>A CPU mounting a word ({@link #enter}) writes the word's {@code on} and its own {@code
 *       mounted}, then, after a full fence, reads the word's bits ({@link #sync}). Whoever raises a
 *       bit writes the bits (an atomic read-modify-write), then reads {@code on} and syncs that
 *       CPU. Each side orders its stores before its loads, so one of the two sees the other: a
 *       raise during a dispatch is never missed.
 *   <li>{@link #sync} recomputes the flag from what is mounted now and loops until flag and want
 *       agree, moving the shared count by one on each change it makes. Several threads may sync one
 *       CPU at once (its own thread, the slice timer, a rescind on another CPU); each ends on a
 *       look that agreed, and a change after the last look comes with a sync of its own, so the
 *       flag ends equal to what the mounted word wants. A raise that finds its process gone syncs a
 *       CPU that now runs something else: it recomputes that CPU's flag from the other process,
 *       harmlessly.
 *   <li>A transient wrong count (a flag changed, the count not yet moved) only sends checks to
 *       their slow path once, or lets a program run on for the few instructions until the syncing
 *       thread moves the count; the kernel never relies on the word for anything but speed of
 *       reaction.
 * </ul>
 */
final class PollFlag {
  /** The shared poll class's word ({@code jackal.confined.Poll.word}), once it exists. */
  @SuppressWarnings("NonFinalStaticField") // written once, before any word that needs it exists
  private static volatile VarHandle sharedWord;

  /**
   * Installs the shared poll class's word. Called once by the loader when it defines that class,
   * before any {@link PollWord} reading it can be made.
   */
  static synchronized void installSharedWord(VarHandle word) {
    if (sharedWord != null && sharedWord != word) {
      throw new IllegalStateException("the shared poll word is installed already");
    }
    sharedWord = word;
  }

  @SuppressWarnings("unused") // through MOUNTED
  private volatile PollWord mounted;

  @SuppressWarnings("unused") // through UP
  private volatile int up;

  private static final VarHandle MOUNTED;
  private static final VarHandle UP;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      MOUNTED = l.findVarHandle(PollFlag.class, "mounted", PollWord.class);
      UP = l.findVarHandle(PollFlag.class, "up", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The word of the process on this CPU now, or null. */
  PollWord mounted() {
    return (PollWord) MOUNTED.getVolatile(this);
  }

  /**
   * A process with word {@code w} (shared mode) starts running here, in place of whatever word was
   * mounted (no {@link #leave} is needed between two processes). Allocates nothing.
   *
   * <p>One full fence per mount: the two stores ({@code w.on}, then {@code mounted}) are release
   * stores, and the fence after them orders both before the loads that follow, this method's own
   * (the bits, in {@link #sync}) and the caller's (the slice timer's {@code sleeping} in {@link
   * Cpu#mount}, whose store of the running process also precedes this fence). A raiser does the
   * mirror image: an atomic read-modify-write of the bits, then loads of {@code on} and {@code
   * mounted}. Either this CPU's load of the bits sees the raise, or the raise came after the fence
   * and so after both stores, and the raiser's sync finds this word mounted here: no mark is lost.
   */
  void enter(PollWord w) {
    if (w != null && w.shared()) {
      w.mountOn(this);
      MOUNTED.setRelease(this, w);
    } else {
      MOUNTED.setRelease(this, (PollWord) null);
    }
    VarHandle.fullFence();
    sync();
  }

  /** The process running here left the CPU. Allocates nothing. */
  void leave() {
    if (MOUNTED.getVolatile(this) != null) {
      MOUNTED.setVolatile(this, (PollWord) null);
    }
    if ((int) UP.getVolatile(this) != 0) {
      sync();
    }
  }

  /** Whether this CPU counts in the shared word now. */
  boolean isUp() {
    return (int) UP.getVolatile(this) != 0;
  }

  /** Brings the flag (and the shared count) in line with the word mounted here. */
  void sync() {
    for (; ; ) {
      PollWord w = mounted();
      int want = w != null && w.get() != 0 ? 1 : 0;
      int have = (int) UP.getVolatile(this);
      if (want == have) {
        return;
      }
      if (UP.compareAndSet(this, have, want)) {
        VarHandle shared = sharedWord;
        if (shared != null) {
          int before = (int) shared.getAndAdd(want - have);
          assert before + want - have >= 0 || have == 1 : "shared poll count below zero";
        }
      }
    }
  }

  /** The shared word now (0 when no CPU's process needs the kernel), for tests and reports. */
  static int sharedWordNow() {
    VarHandle shared = sharedWord;
    return shared == null ? 0 : (int) shared.getVolatile();
  }
}
