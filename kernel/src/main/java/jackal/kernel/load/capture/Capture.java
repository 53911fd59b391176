package jackal.kernel.load.capture;

import java.lang.StackWalker.StackFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One process's capture state: the plan of its program (which methods are transformed and where
 * they can stop), the frames saved while its stack unwinds, and the frames still to be restored.
 *
 * <p>Transformed code reaches it through the JVM-wide {@code jackal.confined.Capture} ({@link
 * CaptureClasses}): its hooks find the <em>active</em> state of the program that called them. A
 * state is active while its process's stack unwinds ({@link #unwindHere} to {@link #takeFrames})
 * and while its process is rebuilt, classes and objects first ({@link #restoreClasses}), then
 * frames ({@link #beginRestore} to the last frame taken).
 *
 * <p>On a kernel CPU's thread the hooks find the state through the process that CPU runs ({@link
 * Locator}), never through the thread: rebuilding objects runs program code (a key's {@code
 * hashCode} as a hash set is filled), which can reach a preemption check, yield, and leave the
 * thread to other processes (or go on on another CPU). A thread-local would then show this state to
 * whichever program runs on that thread next: its class initializers skipped when their names
 * match, as a second process of the same program's would. Only off the kernel's CPUs (a program run
 * directly by a test) is the state the calling thread's.
 *
 * <p>The protocol: a capture point (a system call's entry, a preemption check) that is told to
 * capture calls {@link #unwindHere}; if the stack can be captured it throws the unwind, each
 * program frame saves itself on the way out (innermost first), and whoever started the program
 * catches the unwind ({@link CaptureClasses#isUnwind}) and takes the frames. To resume, {@link
 * #beginRestore} is given the frames and the program's entry method is called again: each
 * transformed method finds its frame (outermost first), rebuilds its locals and operand stack and
 * calls the next method down at the same call site; the innermost frame calls the capture point
 * again, with the arguments it was called with the first time, and the program runs on normally.
 */
public final class Capture {
  /** The active state of a program run off the kernel's CPUs (see the class comment). */
  private static final ThreadLocal<Capture> ACTIVE = new ThreadLocal<>();

  /** How the hooks find the state of the process a kernel CPU runs; installed by the kernel. */
  public interface Locator {
    /** Whether the calling thread is a kernel CPU's (then {@link #running} is the answer). */
    boolean onKernelCpu();

    /** The capture state of the process the calling thread's CPU runs now, or null. */
    Capture running();
  }

  @SuppressWarnings("NonFinalStaticField") // installed once, by the kernel's loader
  private static volatile Locator locator;

  /** Installs how hooks called on a kernel CPU's thread find their process's state. */
  public static void locateWith(Locator l) {
    locator = Objects.requireNonNull(l);
  }

  /** Whether this state is active (see the class comment); only its process's program's thread. */
  private boolean active;

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  /** Where a process's continuation was entered: the walk stops there. */
  private static final String CONTINUATION = "jdk.internal.vm.Continuation";

  private final CapturePlan plan;
  private final List<Frame> saved = new ArrayList<>();
  private List<Frame> toRestore = List.of();
  private int next = -1;

  /** Classes whose static initializers a restore skips (their statics come from the state). */
  private Set<String> initialized = Set.of();

  public Capture(CapturePlan plan) {
    this.plan = Objects.requireNonNull(plan);
  }

  public CapturePlan plan() {
    return plan;
  }

  /**
   * Called by a capture point on the process's own thread: unwinds the program's stack, saving its
   * frames, if every program frame on it is a transformed method stopped at a capturable call site
   * and no other code lies between two program frames (a JDK method running a program's lambda, a
   * constructor, a static initializer cannot be captured); returns false, capturing nothing,
   * otherwise, and the caller tries again at a later capture point.
   */
  public boolean unwindHere() {
    if (restoring()) {
      throw new IllegalStateException("a capture was requested during a restore");
    }
    if (!capturable()) {
      return false;
    }
    saved.clear();
    activate();
    throw CaptureClasses.unwind();
  }

  /**
   * Whether the current stack can be captured: from the innermost program frame outward, every
   * frame up to the outermost program frame of this continuation is a program frame at a capturable
   * site. Frames the walker hides (lambda proxies, method handle and reflection frames) only
   * forward their arguments and hold nothing of their own.
   */
  boolean capturable() {
    Set<String> programClasses = plan.classes();
    // Only this process's continuation: a server run in place by its caller's trap has the
    // caller's frames below its own on the thread (Cpu.runDonatedInPlace), beyond the frame that
    // entered its continuation; they are another process's, and no business of this capture.
    List<StackFrame> frames =
        WALKER.walk(s -> s.takeWhile(f -> !CONTINUATION.equals(f.getClassName())).toList());
    int first = -1;
    int last = -1;
    for (int i = 0; i < frames.size(); i++) {
      if (programClasses.contains(internal(frames.get(i)))) {
        if (first < 0) {
          first = i;
        }
        last = i;
      }
    }
    if (first < 0) {
      return false;
    }
    for (int i = first; i <= last; i++) {
      StackFrame f = frames.get(i);
      String method = internal(f) + "." + f.getMethodName() + f.getDescriptor();
      if (!plan.isSite(method, f.getByteCodeIndex())) {
        return false;
      }
    }
    return true;
  }

  private static String internal(StackFrame f) {
    return f.getClassName().replace('.', '/');
  }

  /** The frames of the last capture, innermost first; the state forgets them. */
  public List<Frame> takeFrames() {
    deactivate();
    List<Frame> out = List.copyOf(saved);
    saved.clear();
    return out;
  }

  /**
   * Makes the next call of the program's entry method, on this thread, resume from {@code frames}
   * (innermost first, as {@link #takeFrames} gave them). {@code initialized}: the classes (binary
   * names) whose static initializers must not run during the restore, since their statics are set
   * from the state.
   */
  public void beginRestore(List<Frame> frames, Set<String> initialized) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames to restore");
    }
    if (restoring()) {
      throw new IllegalStateException("a restore is already under way");
    }
    for (Frame f : frames) {
      int[] sites = plan.sites().get(f.method());
      if (sites == null) {
        throw new IllegalArgumentException(
            "frame of " + f.method() + ", which is not a capturable method of this program");
      }
      if (f.site() < 0 || f.site() >= sites.length) {
        throw new IllegalArgumentException(
            "frame of " + f.method() + " names site " + f.site() + " of " + sites.length);
      }
    }
    toRestore = List.copyOf(frames);
    this.initialized = Set.copyOf(initialized);
    next = toRestore.size() - 1;
    activate();
    CaptureClasses.restoreBegins();
  }

  /** {@link #beginRestore(List, Set)} with no static initializer skipped. */
  public void beginRestore(List<Frame> frames) {
    beginRestore(frames, initialized);
  }

  /**
   * Starts rebuilding a process's classes and objects on this thread, before its frames: the static
   * initializers of {@code initialized} (binary names) are skipped from now until the restore ends,
   * since their statics come from the state. Transformed methods still run from their start (an
   * enum's initializer may call some).
   */
  public void restoreClasses(Set<String> initialized) {
    this.initialized = Set.copyOf(initialized);
    activate();
  }

  /** Whether a restore of this state is under way. */
  public boolean restoring() {
    return next >= 0;
  }

  /**
   * Ends a restore that did not reach its innermost frame (the entry threw, a frame did not fit):
   * the JVM-wide count goes back down. Harmless when no restore is under way.
   */
  public void abandonRestore() {
    initialized = Set.of();
    if (next >= 0) {
      next = -1;
      toRestore = List.of();
      CaptureClasses.restoreEnds();
    }
    deactivate();
  }

  private void activate() {
    active = true;
    Locator l = locator;
    if (l == null || !l.onKernelCpu()) {
      ACTIVE.set(this);
    }
  }

  private void deactivate() {
    active = false;
    if (ACTIVE.get() == this) {
      ACTIVE.remove();
    }
  }

  /**
   * The active state of the program calling a hook: on a kernel CPU's thread, that of the process
   * the CPU runs (if active); elsewhere, the calling thread's.
   */
  private static Capture active() {
    Locator l = locator;
    if (l != null && l.onKernelCpu()) {
      Capture c = l.running();
      return c != null && c.active ? c : null;
    }
    return ACTIVE.get();
  }

  /**
   * The frame for {@code method}, entered while restoring. The last frame taken ends the restore,
   * before the innermost method calls its capture point again.
   *
   * @throws IllegalStateException if the frame to restore belongs to another method (the program is
   *     not the one that was captured)
   */
  Frame restore(String method) {
    Frame f = toRestore.get(next);
    if (!f.method().equals(method)) {
      abandonRestore();
      throw new IllegalStateException(
          "restoring " + f.method() + " but " + method + " was entered: not the captured program");
    }
    if (--next < 0) {
      next = 0; // abandonRestore's test
      abandonRestore();
    }
    return f;
  }

  // ---------------------------------------------------------------- hooks of
  // jackal.confined.Capture

  /** {@code Capture.restore}: the frame of {@code method} if this thread restores, else null. */
  static Object[] restoreHook(String method) {
    Capture c = active();
    if (c == null || !c.restoring()) {
      return null;
    }
    Frame f = c.restore(method);
    return new Object[] {f.site(), f.prims(), f.refs()};
  }

  /** {@code Capture.save}: a frame passing by while this thread's program unwinds. */
  static void saveHook(Object[] f) {
    Capture c = active();
    if (c == null) {
      throw new IllegalStateException("a frame was saved with no capture under way");
    }
    c.saved.add(new Frame((String) f[0], (Integer) f[1], (long[]) f[2], (Object[]) f[3]));
  }

  /**
   * {@code Capture.initialized}, the first thing a program class's static initializer does: notes
   * the class as initialized with its loader (in order), and answers whether to skip the rest (this
   * thread restores, and the class was initialized at the capture: its statics come from the
   * state).
   */
  static boolean initHook(Class<?> c) {
    if (c.getClassLoader() instanceof ClassInits inits) {
      inits.initialized(c);
    }
    Capture state = active();
    return state != null && state.initialized.contains(c.getName());
  }

  /** A program's class loader, which keeps the order its classes were initialized in. */
  public interface ClassInits {
    /** Called as {@code c}'s static initializer starts. */
    void initialized(Class<?> c);
  }
}
