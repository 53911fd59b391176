package jackal.kernel.load.capture;

import java.lang.StackWalker.StackFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The capture state that transformed program code reads and writes: whether a restore is under way
 * (read at the entry of every transformed method), the frames saved while unwinding and the frames
 * still to be restored.
 *
 * <p>The state is static: one program runs at a time on the class path, as in the tests and the
 * benchmark. In the kernel it becomes one class per process, defined in the process's own loader
 * like {@code jackal.confined.Poll} (docs/PERSISTENCE.md); the transform takes the class to call as
 * a parameter for that reason.
 *
 * <p>The protocol: a capture point (a system call, a preemption check) that is told to capture
 * calls {@link #unwindHere}; if the stack can be captured it throws {@link CaptureUnwind}, each
 * program frame saves itself on the way out ({@link #save}, innermost first), and whoever started
 * the program catches the unwind and takes the frames ({@link #takeFrames}). To resume, {@link
 * #beginRestore} is given the frames and the program's entry method is called again: each
 * transformed method sees {@link #restoring}, takes its frame ({@link #restore}, outermost first),
 * rebuilds its locals and operand stack and calls the next method down at the same call site; the
 * innermost frame calls the capture point again, with the arguments it was called with the first
 * time, and the program runs on normally.
 */
public final class Capture {
  private Capture() {}

  /** Read at the entry of every transformed method: take a frame and resume in it. */
  public static boolean restoring;

  private static CapturePlan plan = CapturePlan.EMPTY;
  private static final List<Frame> saved = new ArrayList<>();
  private static List<Frame> toRestore = List.of();
  private static int next;

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  /** Installs the plan of the program about to run (its capturable methods and call sites). */
  public static void install(CapturePlan p) {
    plan = Objects.requireNonNull(p);
    saved.clear();
    toRestore = List.of();
    restoring = false;
  }

  /**
   * Called by a capture point: unwinds the program's stack, saving its frames, if every program
   * frame on it is a transformed method stopped at a capturable call site and no other code lies
   * between two program frames (a JDK method running a program's lambda, a constructor, a static
   * initializer cannot be captured); returns false, capturing nothing, otherwise, and the caller
   * tries again at a later capture point.
   */
  public static boolean unwindHere() {
    if (restoring) {
      throw new IllegalStateException("a capture was requested during a restore");
    }
    if (!capturable()) {
      return false;
    }
    saved.clear();
    throw CaptureUnwind.INSTANCE;
  }

  /**
   * Whether the current stack can be captured: from the innermost program frame outward, every
   * frame up to the outermost program frame is a program frame at a capturable site. Frames the
   * walker hides (lambda proxies, method handle and reflection frames) only forward their arguments
   * and hold nothing of their own.
   */
  static boolean capturable() {
    Set<String> programClasses = plan.classes();
    List<StackFrame> frames = WALKER.walk(s -> s.toList());
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

  /** Called by a transformed method as the unwind passes: a fresh frame for it, kept in order. */
  public static Frame save(String method, int site, int slots) {
    Frame f = new Frame(method, site, slots);
    saved.add(f);
    return f;
  }

  /** The frames of the last capture, innermost first; the state forgets them. */
  public static List<Frame> takeFrames() {
    List<Frame> out = List.copyOf(saved);
    saved.clear();
    return out;
  }

  /**
   * Makes the next call of the program's entry method resume from {@code frames} (innermost first,
   * as {@link #takeFrames} gave them).
   */
  public static void beginRestore(List<Frame> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames to restore");
    }
    toRestore = List.copyOf(frames);
    next = toRestore.size() - 1;
    restoring = true;
  }

  /**
   * Called at the entry of a transformed method while restoring: its frame. The last frame taken
   * ends the restore, before the innermost method calls its capture point again.
   *
   * @throws IllegalStateException if the frame to restore belongs to another method (the program is
   *     not the one that was captured)
   */
  public static Frame restore(String method) {
    Frame f = toRestore.get(next);
    if (!f.method().equals(method)) {
      restoring = false;
      throw new IllegalStateException(
          "restoring " + f.method() + " but " + method + " was entered: not the captured program");
    }
    if (--next < 0) {
      restoring = false;
      toRestore = List.of();
    }
    return f;
  }

  /** A frame whose site is beyond its method's sites: the frames were not made for this code. */
  public static IllegalStateException badSite(Frame f) {
    restoring = false;
    return new IllegalStateException("frame of " + f.method() + " names unknown site " + f.site());
  }
}
