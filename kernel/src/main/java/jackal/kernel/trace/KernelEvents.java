package jackal.kernel.trace;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.CapType;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;
import java.util.function.Consumer;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * The kernel's JFR events: where the kernel's hooks land, and the switch that keeps them off the
 * invocation path when nobody records.
 *
 * <p>Every hook in the kernel is one line guarded by {@code KernelEvents.COMPILED &&
 * KernelEvents.on()}. {@link #COMPILED} is a static final constant: with {@code
 * -Djackal.events=off} the JIT folds every hook away, which is the kernel as if built without
 * events (the benchmarks compare against it). Otherwise {@link #on()} is one load of a plain static
 * field, kept by a {@link FlightRecorderListener} that sets it while some running recording may
 * want a {@code jackal.*} event. Only past that gate does an event object exist, and JFR's own
 * per-event settings ({@code isEnabled}, {@code shouldCommit}) decide the rest.
 *
 * <p>What a hook reads without a lock (a process's registers, an endpoint's ID) is a hint for the
 * reader, as in {@code Kernel.processes()}: tracing never takes a lock or changes what it reads.
 */
public final class KernelEvents {
  private KernelEvents() {}

  /** False when the JVM runs with {@code -Djackal.events=off}: every hook folds away. */
  public static final boolean COMPILED = !"off".equals(System.getProperty("jackal.events"));

  /** The event names, as recordings and the trace name them. */
  public static final String SYSTEM_CALL = "jackal.SystemCall";

  public static final String DISPATCH = "jackal.Dispatch";
  public static final String STEAL = "jackal.Steal";
  public static final String FAULT_DELIVERY = "jackal.FaultDelivery";
  public static final String LOG = "jackal.Log";

  /** Once per checkpoint, never on the invocation path: not behind {@link #on()}. */
  public static final String CHECKPOINT_CUT = "jackal.CheckpointCut";

  private static final String[] NAMES = {SYSTEM_CALL, DISPATCH, STEAL, FAULT_DELIVERY, LOG};

  /**
   * True while a running recording may want a kernel event. Plain (not volatile): a hook that reads
   * it a moment late records one call more or less, and the hot path pays one ordinary load.
   */
  @SuppressWarnings("NonFinalStaticField") // the switch JFR's listener flips; read on every trap
  private static boolean on;

  static {
    if (COMPILED) {
      FlightRecorder.addListener(new Listener());
    }
  }

  /** Whether some recording may want kernel events now. */
  public static boolean on() {
    return on;
  }

  private static final class Listener implements FlightRecorderListener {
    @Override
    public void recorderInitialized(FlightRecorder recorder) {
      update(recorder);
    }

    @Override
    public void recordingStateChanged(Recording recording) {
      update(FlightRecorder.getFlightRecorder());
    }

    private static void update(FlightRecorder recorder) {
      boolean any = false;
      for (Recording r : recorder.getRecordings()) {
        if (r.getState() == RecordingState.RUNNING && wantsKernelEvents(r)) {
          any = true;
        }
      }
      on = any;
    }

    /** False only if the recording turns every kernel event off (they are on by default). */
    private static boolean wantsKernelEvents(Recording r) {
      var settings = r.getSettings();
      for (String n : NAMES) {
        if (!"false".equals(settings.get(n + "#enabled"))) {
          return true;
        }
      }
      return false;
    }
  }

  // ------------------------------------------------------------------ system calls

  /**
   * Runs one trap of {@code p} inside a {@link SystemCallEvent}: what the call invokes is read at
   * entry, its result at return (the block then holds the reply or the message received). {@code
   * body} is the gate's own trap, which runs the call itself since {@code p.traceCall} is set.
   */
  public static void trap(Consumer<ParameterBlock> body, Process p, ParameterBlock pb) {
    SystemCallEvent e = new SystemCallEvent();
    boolean enabled = e.isEnabled();
    e.process = String.valueOf(p);
    e.processOid = p.oid;
    e.targetOid = -1;
    long icw = enabled && pb != null ? pb.w[ParameterBlock.ICW] : 0;
    if (enabled && pb != null) {
      entry(e, p, pb, icw);
    }
    p.traceCall = e;
    e.begin();
    try {
      body.accept(pb);
      if (e.result == null && pb != null) {
        result(e, pb, icw);
      }
    } catch (RuntimeException | Error t) {
      if (e.result == null) {
        e.result = "ended (" + t.getClass().getSimpleName() + ")";
      }
      throw t;
    } finally {
      p.traceCall = null;
      e.end();
      if (enabled && e.shouldCommit()) {
        e.cpu = p.homeCpu;
        e.commit();
      }
    }
  }

  private static void entry(SystemCallEvent e, Process p, ParameterBlock pb, long icw) {
    int nr = Icw.nr(icw);
    if (nr == Syscall.YIELD) {
      e.kind = "yield";
      return;
    }
    if (nr == Syscall.COPY_CAP) {
      e.kind = "copyCap";
      return;
    }
    if ((icw & Icw.SP) == 0) {
      e.kind = "receive";
      return;
    }
    long loc = pb.w[ParameterBlock.INVCAP];
    Capability c = null;
    if (!CapLoc.isMemory(loc) && (loc >>> 1) < Process.CAP_REGS) {
      c = p.capReg((int) (loc >>> 1));
    }
    boolean receives = (icw & Icw.RP) != 0;
    e.kind = receives ? "call" : "send";
    long word = pb.w[ParameterBlock.OPCODE];
    e.opcode = word;
    if (c == null) {
      e.capType = "memory location";
    } else {
      e.capType = CapType.name(c.type);
      if (c.target != null) {
        e.targetOid = c.target.oid;
      }
      if (c.target instanceof Endpoint ep && c.type == CapType.ENTRY) {
        e.endpointId = ep.endpointID;
        e.payload = c.payload();
        if (ep.recipient.target instanceof Process r) {
          e.callee = String.valueOf(r);
        }
        if (ep.pm) {
          // Jackal's reply endpoints match payloads: what goes through one answers a call, and its
          // first word is a result, not a method.
          e.kind = receives ? "reply+receive" : "reply";
          e.method = "reply";
          e.interfaceName = "";
          return;
        }
      }
    }
    name(e, (int) word);
  }

  private static void name(SystemCallEvent e, int code) {
    String q = MethodNames.method(code);
    if (q == null) {
      e.interfaceName = "";
      e.method = "op 0x" + Integer.toHexString(code);
    } else {
      int dot = q.lastIndexOf('.');
      e.interfaceName = q.substring(0, dot);
      e.method = q.substring(dot + 1);
    }
  }

  private static void result(SystemCallEvent e, ParameterBlock pb, long icw) {
    if ((icw & Icw.RP) == 0 || Icw.nr(icw) != Syscall.INVOKE_CAP) {
      e.result = "OK";
      return;
    }
    long w0 = pb.w[ParameterBlock.ICW];
    long code = pb.w[ParameterBlock.OPCODE];
    if ((w0 & Icw.EX) != 0) {
      e.resultCode = code;
      String n = MethodNames.exception(code);
      e.result = n == null ? "exception 0x" + Long.toHexString(code) : simple(n);
    } else if ("call".equals(e.kind)) {
      e.result = "OK";
    } else {
      String m = MethodNames.method((int) code);
      e.result = "got " + (m == null ? "op 0x" + Integer.toHexString((int) code) : simple2(m));
    }
  }

  /** {@code coyotos.Cap.RequestError} as {@code RequestError}. */
  private static String simple(String qualified) {
    return qualified.substring(qualified.lastIndexOf('.') + 1);
  }

  /** {@code coyotos.KernLog.log} as {@code KernLog.log}. */
  private static String simple2(String qualified) {
    int last = qualified.lastIndexOf('.');
    int before = qualified.lastIndexOf('.', last - 1);
    return qualified.substring(before + 1);
  }

  // ------------------------------------------------------------------ the scheduler

  /** The start of a dispatch, or null when its event is off. */
  public static DispatchEvent dispatchBegin() {
    DispatchEvent e = new DispatchEvent();
    if (!e.isEnabled()) {
      return null;
    }
    e.begin();
    return e;
  }

  /** The end of the dispatch {@link #dispatchBegin} started. */
  public static void dispatchEnd(DispatchEvent e, int cpu, Process p) {
    e.end();
    if (e.shouldCommit()) {
      e.cpu = cpu;
      e.process = String.valueOf(p);
      e.processOid = p.oid;
      e.commit();
    }
  }

  /** CPU {@code cpu} stole {@code p}, which last ran on {@code p.homeCpu}. */
  public static void steal(int cpu, Process p) {
    StealEvent e = new StealEvent();
    if (e.shouldCommit()) {
      e.cpu = cpu;
      e.fromCpu = p.homeCpu;
      e.process = String.valueOf(p);
      e.processOid = p.oid;
      e.commit();
    }
  }

  // ------------------------------------------------------------------ faults and the log

  /**
   * Fault {@code code} was recorded on {@code p} and sent to {@code handler} (null: nobody handles
   * it); {@code kind} is memory, process or none. The system call {@code p} is in, if traced, ends
   * with this fault as its result.
   */
  public static void faultDelivered(Process p, int code, long info, Process handler, String kind) {
    String fault = FaultCode.name(code);
    if (p.traceCall instanceof SystemCallEvent call && call.result == null) {
      call.result = "fault " + fault;
      call.resultCode = code;
    }
    FaultDeliveryEvent e = new FaultDeliveryEvent();
    if (e.shouldCommit()) {
      e.process = String.valueOf(p);
      e.processOid = p.oid;
      e.fault = fault;
      e.faultCode = code;
      e.faultInfo = info;
      e.handler = handler == null ? "" : String.valueOf(handler);
      e.handlerKind = kind;
      e.commit();
    }
  }

  /** {@code p} wrote {@code text} to the kernel log. */
  public static void log(Process p, String text) {
    LogEvent e = new LogEvent();
    if (e.shouldCommit()) {
      e.process = String.valueOf(p);
      e.processOid = p.oid;
      e.text = text;
      e.commit();
    }
  }

  // ------------------------------------------------------------------ checkpoints (issue 12)

  /**
   * Records a checkpoint's cut, its phases in nanoseconds: holding the CPUs, taking the program
   * states, taking the changed objects (the CPUs are released after the last).
   */
  public static void cut(
      long number,
      boolean full,
      long holdNanos,
      long programsNanos,
      long objectsNanos,
      int objects,
      int pages) {
    CheckpointCutEvent e = new CheckpointCutEvent();
    if (!e.isEnabled()) {
      return;
    }
    if (!e.shouldCommit()) {
      return;
    }
    e.number = number;
    e.full = full;
    e.holdNanos = holdNanos;
    e.programsNanos = programsNanos;
    e.objectsNanos = objectsNanos;
    e.pauseNanos = holdNanos + programsNanos + objectsNanos;
    e.objects = objects;
    e.pages = pages;
    e.commit();
  }
}
