package jackal.kernel.load;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.load.capture.BadProgramState;
import jackal.kernel.load.capture.Capture;
import jackal.kernel.load.capture.Frame;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.Cpu;
import java.util.List;

/**
 * A program loaded into one process, as program state sees it: the process's class loader, the
 * verified image and the process's capture state. Made by the {@link ProgramLoader}; the methods
 * run on the process's own thread.
 */
public final class LoadedProgram {
  static {
    // A capture hook called on a CPU's thread finds the state of the process that CPU runs: a
    // restore can be preempted, and the thread then runs other processes (Capture's comment).
    Capture.locateWith(
        new Capture.Locator() {
          @Override
          public boolean onKernelCpu() {
            return Cpu.onCpuThread();
          }

          @Override
          public Capture running() {
            Process p = Cpu.runningHere();
            LoadedProgram lp = p == null ? null : p.loaded;
            return lp == null ? null : lp.capture;
          }
        });
  }

  final ProcessClassLoader loader;
  final VerifiedProgram program;
  final Capture capture;
  final String entryClass;

  LoadedProgram(ProcessClassLoader loader, VerifiedProgram program, String entryClass) {
    this.loader = loader;
    this.program = program;
    this.capture = new Capture(program.plan());
    this.entryClass = entryClass;
  }

  /**
   * Whether {@code c} is one of the program's classes: defined by the process's loader, or one of
   * the image's stateless classes its processes share (whose statics are compile-time constants
   * only, so they carry no state of their own; their objects are written like any other).
   */
  boolean owns(Class<?> c) {
    ClassLoader l = c.getClassLoader();
    return l != null && (l == loader || l == program.sharedLoaderIfMade());
  }

  /** The process's capture state. */
  public Capture capture() {
    return capture;
  }

  /**
   * After the program unwound at a capture point: its state as bytes (statics, heap, {@code
   * frames}), {@code gate} being the process's trap gate.
   *
   * @throws ProgramStateCodec.NotCapturableNow if something the frames reach cannot be written
   */
  public byte[] encode(List<Frame> frames, SystemCalls gate) {
    return ProgramStateCodec.encode(this, frames, gate);
  }

  /**
   * The program, to run again from {@code frames} still in memory (after a capture): calling its
   * {@code run} re-enters every frame and continues at the capture point.
   */
  public ProgramEntry resumeFrom(List<Frame> frames) {
    ProgramEntry entry = entryOf(frames);
    return sys -> {
      capture.beginRestore(frames);
      try {
        entry.run(sys);
      } finally {
        capture.abandonRestore();
      }
    };
  }

  /**
   * The program, to run from {@code state} taken in an earlier life of the process: its classes,
   * statics and objects are rebuilt when it is run (with its new gate), then its frames re-entered.
   */
  public ProgramEntry restoreFrom(byte[] state) {
    return sys -> {
      List<Frame> frames;
      try {
        frames = ProgramStateCodec.decode(this, state, sys);
      } catch (BadProgramState e) {
        capture.abandonRestore();
        throw LoadFailure.badImage(e.getMessage());
      }
      ProgramEntry entry;
      try {
        entry = entryOf(frames);
        capture.beginRestore(frames);
      } catch (IllegalArgumentException | IllegalStateException e) {
        capture.abandonRestore();
        throw LoadFailure.badImage("bad program state: " + e.getMessage());
      }
      try {
        entry.run(sys);
      } finally {
        capture.abandonRestore();
      }
    };
  }

  /** The entry object: {@code this} of the outermost frame, which must be its {@code run}. */
  static ProgramEntry entryOf(List<Frame> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames");
    }
    Frame outer = frames.getLast();
    if (!outer.method().endsWith(".run(Ljackal/kernel/api/SystemCalls;)V")
        || outer.slots() == 0
        || !(outer.ref(0) instanceof ProgramEntry e)) {
      throw new IllegalArgumentException(
          "the outermost frame, " + outer.method() + ", is not the program entry's run method");
    }
    return e;
  }
}
