module jackal.services {
  requires transitive jackal.runtime;

  // The space bank: its program and its bookkeeping.
  exports jackal.services.bank;
  // Building the services into an image (the prime bank).
  exports jackal.services.boot;
  // Generated from the services' CapIDL (and the kernel's, again: see the pom).
  exports jackal.services.idl.coyotos;
}
