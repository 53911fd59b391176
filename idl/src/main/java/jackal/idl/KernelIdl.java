package jackal.idl;

import jackal.idl.model.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The CapIDL of the kernel's interfaces (package {@code coyotos}), shipped as resources of this
 * module under {@value #RESOURCE_DIR}. Their qualified names, methods, parameters and exceptions
 * are those of Coyotos, so their codes are Coyotos's codes.
 */
public final class KernelIdl {
  private KernelIdl() {}

  /** Where the files live among this module's resources. */
  public static final String RESOURCE_DIR = "capidl/coyotos";

  /** The files, by name. */
  public static final List<String> FILES =
      List.of(
          "Cap.idl",
          "Null.idl",
          "Endpoint.idl",
          "AppNotice.idl",
          "Process.idl",
          "ProcessHandler.idl",
          "MemoryHandler.idl",
          "Discrim.idl",
          "CapBits.idl",
          "KernLog.idl",
          "Range.idl",
          "Memory.idl",
          "AddressSpace.idl",
          "GPT.idl",
          "Page.idl",
          "CapPage.idl",
          "Window.idl",
          "LocalWindow.idl",
          "Sleep.idl",
          "SysCtl.idl",
          "Checkpoint.idl",
          "IrqCtl.idl",
          "IrqWait.idl",
          "Schedule.idl",
          "SchedCtl.idl",
          "ObStore.idl",
          "PinCtl.idl",
          "IOPriv.idl",
          "RcvQueue.idl");

  /** The sources, each named {@code capidl/coyotos/Name.idl}. */
  public static List<SourceFile> sources() {
    List<SourceFile> out = new ArrayList<>();
    for (String f : FILES) {
      String name = RESOURCE_DIR + "/" + f;
      try (InputStream in = KernelIdl.class.getResourceAsStream("/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + name);
        }
        out.add(new SourceFile(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The analysed model of every kernel interface. */
  public static Model model() {
    try {
      return CapIdl.compile(sources());
    } catch (IdlException e) {
      throw new IllegalStateException("the kernel's CapIDL does not compile: " + e.getMessage(), e);
    }
  }
}
