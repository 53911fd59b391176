package jackal.kernel.boot;

import jackal.kernel.load.Segment;

/**
 * A jar stored in pages of the system, read-only: one segment of program images. The same segment
 * (the same pages) can be mapped into any number of program spaces, which is how every program
 * shares the runtime library's pages.
 */
public final class CodeSegment {
  final CapRef pages;
  final Segment segment;

  CodeSegment(CapRef pages, Segment segment) {
    this.pages = pages;
    this.segment = segment;
  }

  /** The jar's length in bytes. */
  public int length() {
    return segment.length();
  }

  /** Number of class files in the jar. */
  public int classCount() {
    return segment.classes().size();
  }

  /** SHA-256 of the jar (hex): its name in the kernel's verification cache. */
  public String sha256() {
    return segment.sha256();
  }
}
