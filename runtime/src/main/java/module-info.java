module jackal.runtime {
  requires transitive jackal.kernel;

  exports jackal.runtime;
  // The hostile-syscall fuzzer, shared by the tests and `jackal soak`.
  exports jackal.runtime.fuzz;
  // The boot side: the default image, the runtime library segment, packing classes into jars.
  exports jackal.runtime.boot;
  // Generated from the kernel's CapIDL (target/generated-sources/capidl): typed client stubs,
  // server interfaces and skeletons, records, exceptions and codes of the coyotos interfaces.
  exports jackal.runtime.idl.coyotos;
}
