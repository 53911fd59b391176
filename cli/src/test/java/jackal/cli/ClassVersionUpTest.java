package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The launcher's rewrite of picocli's Java 5 classes, so the JVM's AOT cache can hold them. */
class ClassVersionUpTest {
  @TempDir Path dir;

  private static Path picocliJar() throws Exception {
    return Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * Each class file of {@code jar}: its name, then its version and its methods' names and types.
   */
  private static TreeMap<String, ClassModel> classes(Path jar) throws Exception {
    TreeMap<String, ClassModel> out = new TreeMap<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      for (JarEntry e : (Iterable<JarEntry>) f.stream()::iterator) {
        if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
          out.put(e.getName(), ClassFile.of().parse(f.getInputStream(e).readAllBytes()));
        }
      }
    }
    return out;
  }

  private static List<String> methods(ClassModel m) {
    List<String> out = new ArrayList<>();
    for (MethodModel mm : m.methods()) {
      out.add(mm.methodName().stringValue() + mm.methodType().stringValue());
    }
    return out;
  }

  /** Calls the method {@code name} of {@code c} (or a superclass) taking {@code args}. */
  private static Object call(Class<?> c, Object target, String name, Object... args)
      throws Exception {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Method m : k.getDeclaredMethods()) {
        if (m.getName().equals(name) && accepts(m.getParameterTypes(), args)) {
          m.setAccessible(true);
          return m.invoke(target, args);
        }
      }
    }
    throw new NoSuchMethodException(c.getName() + "." + name);
  }

  private static boolean accepts(Class<?>[] types, Object[] args) {
    if (types.length != args.length) {
      return false;
    }
    for (int i = 0; i < types.length; i++) {
      if (!types[i].isInstance(args[i])) {
        return false;
      }
    }
    return true;
  }

  @Test
  void picocliIsRewrittenToJava8ClassesWithTheSameMethodsThatTheJvmVerifiesAndRuns()
      throws Exception {
    Path old = picocliJar();
    Path up = dir.resolve("picocli.jar");
    int n = ClassVersionUp.rewrite(old, up);
    TreeMap<String, ClassModel> before = classes(old);
    TreeMap<String, ClassModel> after = classes(up);
    assertThat(before.values()).anySatisfy(m -> assertThat(m.majorVersion()).isLessThan(50));
    assertThat(n)
        .isEqualTo((int) before.values().stream().filter(m -> m.majorVersion() < 50).count());
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String name : before.keySet()) {
      assertThat(after.get(name).majorVersion()).as(name).isGreaterThanOrEqualTo(52);
      assertThat(methods(after.get(name))).as(name).isEqualTo(methods(before.get(name)));
    }
    // Every class linked (so verified, with the type-checking verifier and the new stack maps),
    // then picocli itself parsing a command line from the rewritten classes.
    try (URLClassLoader l = new URLClassLoader(new URL[] {up.toUri().toURL()}, null)) {
      for (String name : after.keySet()) {
        Class<?> c = Class.forName(name.replace('/', '.').replace(".class", ""), true, l);
        assertThat(c.getClassLoader()).isSameAs(l);
      }
      Class<?> specClass = l.loadClass("picocli.CommandLine$Model$CommandSpec");
      Class<?> optionClass = l.loadClass("picocli.CommandLine$Model$OptionSpec");
      Object spec = call(specClass, null, "create");
      Object builder = call(optionClass, null, "builder", (Object) new String[] {"--cpus"});
      call(builder.getClass(), builder, "type", int.class);
      call(specClass, spec, "addOption", call(builder.getClass(), builder, "build"));
      Object cmd =
          l.loadClass("picocli.CommandLine").getConstructor(Object.class).newInstance(spec);
      call(cmd.getClass(), cmd, "parseArgs", (Object) new String[] {"--cpus", "3"});
      Object cpus = call(specClass, spec, "findOption", "--cpus");
      assertThat(call(cpus.getClass(), cpus, "getValue")).isEqualTo(3);
    }
  }

  @Test
  void aJarWithNoOldClassIsLeftAsItWas() throws Exception {
    Path once = dir.resolve("once.jar");
    ClassVersionUp.rewrite(picocliJar(), once);
    Path twice = dir.resolve("twice.jar");
    assertThat(ClassVersionUp.rewrite(once, twice)).isZero();
    TreeMap<String, ClassModel> a = classes(once);
    TreeMap<String, ClassModel> b = classes(twice);
    assertThat(b.keySet()).isEqualTo(a.keySet());
    try (JarFile x = new JarFile(once.toFile());
        JarFile y = new JarFile(twice.toFile())) {
      for (JarEntry e : (Iterable<JarEntry>) x.stream()::iterator) {
        assertThat(y.getInputStream(y.getJarEntry(e.getName())).readAllBytes())
            .as(e.getName())
            .isEqualTo(x.getInputStream(e).readAllBytes());
      }
    }
    assertThat(Files.size(twice)).isPositive();
  }
}
