package jackal.runtime.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Class files of this JVM's own code, read as bytes and packed into jars: how the boot side turns
 * compiled classes into program segments. Works from a named module (the launcher's module path)
 * and from the class path (tests), out of a directory or a jar.
 */
public final class ClassFiles {
  private ClassFiles() {}

  /**
   * The class files (internal name without ".class" mapped to bytes) of the code that holds {@code
   * anchor}, whose internal names pass {@code select}; sorted by name, so the jar is the same bytes
   * on every run.
   */
  public static Map<String, byte[]> select(Class<?> anchor, Predicate<String> select) {
    TreeMap<String, byte[]> out = new TreeMap<>();
    try {
      Module m = anchor.getModule();
      if (m.isNamed() && m.getLayer() != null) {
        for (var e : moduleClasses(m).entrySet()) {
          if (select.test(e.getKey())) {
            out.put(e.getKey(), e.getValue().clone());
          }
        }
        return out;
      }
      CodeSource cs = anchor.getProtectionDomain().getCodeSource();
      Path where = Path.of(cs.getLocation().toURI());
      if (Files.isDirectory(where)) {
        try (Stream<Path> files = Files.walk(where)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            String rel = where.relativize(f).toString().replace('\\', '/');
            String internal = classInternalName(rel);
            if (internal != null && select.test(internal)) {
              out.put(internal, Files.readAllBytes(f));
            }
          }
        }
      } else {
        try (JarFile jar = new JarFile(where.toFile())) {
          for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
            String internal = classInternalName(e.getName());
            if (internal != null && select.test(internal)) {
              try (InputStream in = jar.getInputStream(e)) {
                out.put(internal, in.readAllBytes());
              }
            }
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every class file of named module {@code m}, read once per JVM: booting an image packs several
   * programs' jars from the same module (the space bank, the constructor, the space servers and the
   * streams each take the services' stubs), and reading and inflating the module's entries again
   * for each was a tenth of the tour's boot (docs/BENCHMARKS.md, "Booting the tour under load,
   * 2026-12-02 evening"). The arrays are never handed out: {@link #select} gives copies.
   */
  private static Map<String, byte[]> moduleClasses(Module m) throws IOException {
    Map<String, byte[]> held = MODULES.get(m);
    if (held != null) {
      return held;
    }
    TreeMap<String, byte[]> all = new TreeMap<>();
    ModuleReference ref =
        m.getLayer().configuration().findModule(m.getName()).orElseThrow().reference();
    try (ModuleReader r = ref.open();
        Stream<String> names = r.list()) {
      for (String n : (Iterable<String>) names::iterator) {
        String internal = classInternalName(n);
        if (internal != null) {
          try (InputStream in = r.open(n).orElseThrow()) {
            all.put(internal, in.readAllBytes());
          }
        }
      }
    }
    Map<String, byte[]> read = Collections.unmodifiableMap(all);
    Map<String, byte[]> raced = MODULES.putIfAbsent(m, read);
    return raced == null ? read : raced;
  }

  /** The class files of the named modules read so far (a module's classes do not change). */
  private static final ConcurrentHashMap<Module, Map<String, byte[]>> MODULES =
      new ConcurrentHashMap<>();

  private static String classInternalName(String path) {
    if (!path.endsWith(".class") || path.endsWith("module-info.class")) {
      return null;
    }
    return path.substring(0, path.length() - ".class".length());
  }

  /** Classes {@code roots} and their nested classes, from their code. */
  public static Map<String, byte[]> of(Class<?>... roots) {
    TreeMap<String, byte[]> out = new TreeMap<>();
    for (Class<?> root : roots) {
      String name = root.getName().replace('.', '/');
      out.putAll(select(root, n -> n.equals(name) || n.startsWith(name + "$")));
    }
    return out;
  }

  /** Every class of the package {@code anchor} is in (not its subpackages). */
  public static Map<String, byte[]> packageOf(Class<?> anchor) {
    String pkg = anchor.getPackageName().replace('.', '/') + "/";
    return select(anchor, n -> n.startsWith(pkg) && n.indexOf('/', pkg.length()) < 0);
  }

  /** A jar of {@code classes} (internal names), with fixed timestamps: same input, same bytes. */
  public static byte[] jar(Map<String, byte[]> classes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(bytes)) {
      for (var e : new TreeMap<>(classes).entrySet()) {
        JarEntry je = new JarEntry(e.getKey() + ".class");
        je.setTime(0);
        out.putNextEntry(je);
        out.write(e.getValue());
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
