package jackal.idl;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.idl.model.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loading fixtures and compiling text in tests. */
public final class TestSupport {
  private TestSupport() {}

  /** The fixture at {@code fixtures/<path>}, named by its file name. */
  public static SourceFile fixture(String path) {
    try (InputStream in = TestSupport.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      String name = path.substring(path.lastIndexOf('/') + 1);
      return new SourceFile(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compiles fixtures together. */
  public static Model compileFixtures(String... paths) throws IdlException {
    List<SourceFile> s = new ArrayList<>();
    for (String p : paths) {
      s.add(fixture(p));
    }
    return CapIdl.compile(s);
  }

  /** Compiles one text named {@code T.idl}. */
  public static Model compile(String text) throws IdlException {
    return CapIdl.compile(List.of(new SourceFile("T.idl", text)));
  }

  /** The error compiling one text named {@code T.idl}. */
  public static IdlException error(String text) {
    return errorOf(List.of(new SourceFile("T.idl", text)));
  }

  /** The error compiling sources together. */
  public static IdlException errorOf(List<SourceFile> sources) {
    IdlException[] box = new IdlException[1];
    assertThatThrownBy(
            () -> {
              try {
                CapIdl.compile(sources);
              } catch (IdlException e) {
                box[0] = e;
                throw e;
              }
            })
        .isInstanceOf(IdlException.class);
    return box[0];
  }
}
