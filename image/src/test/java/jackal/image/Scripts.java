package jackal.image;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import jackal.image.eval.Interpreter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Runs image scripts held in strings and captures what they print. */
final class Scripts {
  private Scripts() {}

  /** Runs {@code source} as file {@code t.mki} with {@code path} as the search path. */
  static String run(String source, Path... path) throws ImageException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      new Interpreter(List.of(path), out).runSource("t.mki", source);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Runs the statements {@code body} inside {@code module t { ... }}. */
  static String runBody(String body) throws ImageException {
    return run("module t {\n" + body + "\n}\n");
  }

  /** The error that running {@code source} raises. */
  static ImageException error(String source, Path... path) {
    return assertThatExceptionOfType(ImageException.class)
        .isThrownBy(() -> run(source, path))
        .actual();
  }
}
