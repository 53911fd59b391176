package jackal.services.boot;

import jackal.kernel.api.Restr;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.services.space.VirtualCopySpaceProgram;
import jackal.services.stream.NullStreamProgram;
import jackal.services.stream.ZeroStreamProgram;
import java.util.List;
import java.util.Map;

/**
 * A constructor of Null or Zero streams, as Coyotos ships each stream program: {@code create(bank,
 * schedule, runtime)} builds a new stream process on the caller's bank, and that process answers
 * the caller with the stream's entry capability; the constructor's Verifier recognises it.
 *
 * <p>Every stream it builds runs the same program image, which holds the stream's data pages (its
 * string area and receive buffer), so a yield cannot simply share it. As Coyotos gives each yield
 * an ElfSpace, the stream constructor's space is a Constructor too: {@link #copies()} builds, on
 * the same bank, a virtual copy space server over the stream program's image (weak), whose
 * copy-on-write space the new stream runs in. Both constructors are confined: the stream program's
 * image is weak, the copy server's own space is weak, and their tools are Discrim and the
 * constructor verifier.
 *
 * @param streams the stream constructor
 * @param copies the constructor of the copy-on-write spaces the streams run in
 */
public record StreamConstructor(SealedConstructor streams, SealedConstructor copies) {
  /** A constructor of Null streams over {@code meta}'s constructor program. */
  public static StreamConstructor nullStreams(
      Kernel k, CodeSegment runtime, CodeSegment servers, MetaConstructor meta) {
    return build(k, runtime, servers, meta, "null-stream", NullStreamProgram.class);
  }

  /** A constructor of Zero streams over {@code meta}'s constructor program. */
  public static StreamConstructor zeroStreams(
      Kernel k, CodeSegment runtime, CodeSegment servers, MetaConstructor meta) {
    return build(k, runtime, servers, meta, "zero-stream", ZeroStreamProgram.class);
  }

  private static StreamConstructor build(
      Kernel k,
      CodeSegment runtime,
      CodeSegment servers,
      MetaConstructor meta,
      String name,
      Class<?> program) {
    ServiceNames.register();
    ProgramSpace stream;
    ProgramSpace copier;
    try {
      stream =
          k.newProgramSpace(
              program.getName(), StreamServer.DATA_PAGES, ServicesLibrary.segment(k), runtime);
      copier = k.newProgramSpace(VirtualCopySpaceProgram.class.getName(), 1, servers, runtime);
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException(name + " is refused: " + e.getMessage(), e);
    }
    SealedConstructor copies =
        meta.sealed(
            name + "-space-constructor",
            k.restricted(copier.space(), Restr.WEAK),
            copier.pc(),
            k.nullCap(),
            Map.of(
                VirtualCopySpaceProgram.TOOL_BACKGROUND, k.restricted(stream.space(), Restr.WEAK)));
    SealedConstructor streams =
        meta.sealed(name + "-constructor", copies.entry(), stream.pc(), k.nullCap(), Map.of());
    return new StreamConstructor(streams, copies);
  }

  /** The processes to start with the image's others. */
  public List<ObjectRef> processes() {
    return List.of(copies.process(), streams.process());
  }

  /** The Constructor facet of the streams. */
  public CapRef entry() {
    return streams.entry();
  }

  /** The stream constructor's Verifier facet. */
  public CapRef verifier() {
    return streams.verifier();
  }
}
