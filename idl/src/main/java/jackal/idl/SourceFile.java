package jackal.idl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The text of one CapIDL file and the name errors will give it.
 *
 * @param name what diagnostics call the file ({@code Foo.idl}, or a path)
 * @param text the whole source
 */
public record SourceFile(String name, String text) {
  public SourceFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
  }

  /** Reads {@code path} as UTF-8; the name is the path as given. */
  public static SourceFile read(Path path) throws IOException {
    return new SourceFile(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
  }
}
