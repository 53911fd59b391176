module jackal.kernel {
  exports jackal.kernel.api;
  exports jackal.kernel.boot;
}
