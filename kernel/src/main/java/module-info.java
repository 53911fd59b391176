module jackal.kernel {
  // The heap guard: per-thread allocation counts and collection notifications.
  requires java.management;
  requires jdk.management;
  // The kernel's JFR events (jackal.kernel.trace).
  requires jdk.jfr;

  exports jackal.kernel.api;
  exports jackal.kernel.boot;
}
