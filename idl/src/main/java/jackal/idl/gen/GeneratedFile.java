package jackal.idl.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One generated Java source file.
 *
 * @param javaPackage the package it declares
 * @param className its top-level class
 * @param source the whole text
 */
public record GeneratedFile(String javaPackage, String className, String source) {
  /** The path below a source root, e.g. {@code jackal/gen/coyotos/EndpointCodes.java}. */
  public Path relativePath() {
    Path p = Path.of("");
    if (!javaPackage.isEmpty()) {
      for (String s : javaPackage.split("\\.")) {
        p = p.resolve(s);
      }
    }
    return p.resolve(className + ".java");
  }

  /** The fully qualified class name. */
  public String qualifiedClassName() {
    return javaPackage.isEmpty() ? className : javaPackage + "." + className;
  }

  /** Writes the file below {@code root} (creating directories); returns its path. */
  public Path writeTo(Path root) throws IOException {
    Path target = root.resolve(relativePath());
    Files.createDirectories(target.getParent());
    Files.writeString(target, source, StandardCharsets.UTF_8);
    return target;
  }
}
