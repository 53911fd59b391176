/** The jackal command line: {@code jackal run|bench|test}. */
module jackal.cli {
  requires jackal.runtime;
  requires jackal.image;
  requires jackal.inspect;
  requires info.picocli;

  opens jackal.cli to
      info.picocli;
}
