package jackal.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Rewrites a jar's pre-Java-6 class files (major version below 50) as Java 8 class files with the
 * same code and generated stack maps, so that the JVM's ahead-of-time cache can hold them: JDK 25
 * skips "old" classes, and picocli's jar is compiled for Java 5, so its 170 classes were loaded,
 * verified by the old inference verifier and interpreted on every command (docs/BENCHMARKS.md,
 * "Booting the tour under load, 2026-12-02 evening"). Run by the {@code ./jackal} launcher on
 * {@code cli/target/lib/picocli.jar} before it records the cache; the class path of the tests is
 * not touched.
 *
 * <p>Only the class-file version changes and the stack map tables are added; the JVM's
 * type-checking verifier then checks every method of the rewritten classes, so a rewrite that got a
 * type wrong is a VerifyError, not a different program. A jar with no old class is left as it is.
 */
public final class ClassVersionUp {
  private ClassVersionUp() {}

  /** The version old classes are given: the first without the JSR/RET instructions. */
  static final int TARGET = ClassFile.JAVA_8_VERSION;

  /** {@code ClassVersionUp JAR}: rewrites JAR in place; prints how many classes it rewrote. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ClassVersionUp JAR");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    Path tmp = jar.resolveSibling(jar.getFileName() + ".up" + ProcessHandle.current().pid());
    try {
      int n = rewrite(jar, tmp);
      if (n > 0) {
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      System.out.println(jar + ": " + n + " classes rewritten for class-file version " + TARGET);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes {@code in} to {@code out} with every class file older than version 50 rewritten to
   * {@link #TARGET}, the other entries as they are; returns how many classes were rewritten.
   */
  static int rewrite(Path in, Path out) throws IOException {
    int rewritten = 0;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {in.toUri().toURL()}, null);
        JarFile jar = new JarFile(in.toFile());
        OutputStream file = Files.newOutputStream(out);
        JarOutputStream o = new JarOutputStream(file)) {
      // Stack maps name the common supertypes of merged values: the jar's own classes are looked
      // up in the jar, the JDK's in the JDK.
      ClassFile cf =
          ClassFile.of(
              ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
              ClassFile.ClassHierarchyResolverOption.of(
                  ClassHierarchyResolver.defaultResolver()
                      .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
      for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
        byte[] bytes = jar.getInputStream(e).readAllBytes();
        if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
          ClassModel m = cf.parse(bytes);
          if (m.majorVersion() < ClassFile.JAVA_6_VERSION) {
            bytes =
                cf.transformClass(
                    m,
                    ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                        .andThen(ClassTransform.endHandler(b -> b.withVersion(TARGET, 0))));
            rewritten++;
          }
        }
        JarEntry copy = new JarEntry(e.getName());
        copy.setTime(e.getTime());
        o.putNextEntry(copy);
        o.write(bytes);
        o.closeEntry();
      }
    }
    return rewritten;
  }
}
