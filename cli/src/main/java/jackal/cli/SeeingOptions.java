package jackal.cli;

import jackal.inspect.Inspector;
import jackal.inspect.Trace;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.SystemView;
import jackal.runtime.DefaultImage;
import jackal.services.boot.BankTree;
import jackal.services.boot.ServiceNames;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Option;

/**
 * The options of {@code jackal run} that look inside the system (issue 13): {@code --trace}, {@code
 * --dump}, {@code --inspect}.
 */
final class SeeingOptions {
  @Option(
      names = "--trace",
      description = "Print a line per invocation, log lines tagged with their process, and faults.")
  boolean trace;

  @Option(
      names = "--trace-process",
      paramLabel = "NAME",
      description = "Trace only this process (its name, or name#oid).")
  String traceProcess;

  @Option(
      names = "--trace-interface",
      paramLabel = "NAME",
      description = "Trace only calls of this CapIDL interface (KernLog, coyotos.KernLog, ...).")
  String traceInterface;

  @Option(
      names = "--dump",
      arity = "0..1",
      fallbackValue = "text",
      paramLabel = "FORMAT",
      description = "When the system settles, print every object and capability: text or dot.")
  String dump;

  @Option(
      names = "--inspect",
      arity = "0..1",
      fallbackValue = "8013",
      paramLabel = "PORT",
      description =
          "Serve a web inspector on 127.0.0.1:PORT (default 8013) while the system runs, and"
              + " after it settles until interrupted.")
  Integer inspect;

  /** Starts the trace if asked for, or returns null. */
  Trace startTrace(PrintStream out) {
    boolean filtered = traceProcess != null || traceInterface != null;
    if (!trace && !filtered) {
      return null;
    }
    ServiceNames.register(); // an image file boots without building a service: name them here
    return Trace.start(out, traceProcess, traceInterface);
  }

  /** What {@code jackal run} does while the image runs, for these options. */
  DefaultImage.Observer observer(PrintStream out) {
    if (dump != null && !dump.equals("text") && !dump.equals("dot")) {
      throw new IllegalArgumentException("--dump takes text or dot, not " + dump);
    }
    return new DefaultImage.Observer() {
      private Inspector inspector;

      @Override
      public void booted(Kernel running) {
        if (inspect != null) {
          try {
            inspector = Inspector.start(running, inspect, v -> BankTree.attach(running, v));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the inspector on port " + inspect, e);
          }
          out.println("jackal: inspector at " + inspector.uri());
        }
      }

      @Override
      public void settled(Kernel running) throws InterruptedException {
        if (dump != null) {
          SystemView view = BankTree.attach(running, running.view());
          out.print(dump.equals("dot") ? view.dot() : view.text());
        }
        if (inspector != null) {
          out.println(
              "jackal: the system settled; the inspector stays at "
                  + inspector.uri()
                  + " until interrupted (Ctrl-C)");
          out.flush();
          new CountDownLatch(1).await();
        }
      }
    };
  }
}
