module jackal.kernel {
  // The heap guard: per-thread allocation counts and collection notifications.
  requires java.management;
  requires jdk.management;

  exports jackal.kernel.api;
  exports jackal.kernel.boot;
}
