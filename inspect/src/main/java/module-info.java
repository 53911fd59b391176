/**
 * Seeing inside a running Jackal system: {@link jackal.inspect.Trace} prints a line per invocation
 * from the kernel's JFR events; {@link jackal.inspect.Inspector} serves the capability graph, the
 * run queues and a live IPC timeline to a browser on this machine.
 */
module jackal.inspect {
  requires transitive jackal.kernel;
  requires jdk.jfr;
  requires jdk.httpserver;

  exports jackal.inspect;
}
