module jackal.services {
  requires transitive jackal.runtime;

  // The space bank: its program and its bookkeeping.
  exports jackal.services.bank;
  // Program spaces and virtual copy spaces: their servers and the program-side data region.
  exports jackal.services.space;
  // The streams (IoStream: Null, Zero, the pipe) and their client library.
  exports jackal.services.stream;
  // The TextConsole.
  exports jackal.services.console;
  // The constructor program, and what a constructor's yield does first.
  exports jackal.services.constructor;
  // Building the services into an image (the prime bank, the metaconstructor, streams, pipes,
  // the console).
  exports jackal.services.boot;
  // Generated from the services' CapIDL (and the kernel's, again: see the pom).
  exports jackal.services.idl.coyotos;
  exports jackal.services.idl.coyotos.driver;
  exports jackal.services.idl.jackal;
}
