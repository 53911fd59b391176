package jackal.maven;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.toolchain.Toolchain;
import org.apache.maven.toolchain.ToolchainManager;

/**
 * Generates Java clients and skeletons from a program's CapIDL files and adds them to the compile
 * sources.
 *
 * <p>The files are every {@code *.idl} below {@link #sourceDirectory}, compiled together (they may
 * refer to each other and to the kernel's interfaces, {@code coyotos.Cap} and the rest, whose Java
 * classes the runtime already holds). The compiler runs in a forked JDK 25: the JDK toolchain if
 * the build selected one, else the JDK Maven runs on. A malformed file fails the build with the
 * compiler's {@code File.idl:LINE:COL: ...} message.
 */
@Mojo(name = "capidl", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class CapIdlMojo extends AbstractMojo {
  private static final String COMPILER_MAIN = "jackal.idl.Main";
  private static final String COMPILER_ARTIFACT = "jackal-idl";

  /** Where the CapIDL files are. */
  @Parameter(defaultValue = "${project.basedir}/src/main/capidl", required = true)
  private File sourceDirectory;

  /** Where the generated Java goes; it becomes a compile source root. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/capidl", required = true)
  private File outputDirectory;

  /**
   * The Java package the generated code goes under: CapIDL package {@code a.b} becomes Java package
   * {@code PREFIX.a.b}.
   */
  @Parameter(property = "jackal.capidl.packagePrefix", required = true)
  private String packagePrefix;

  /**
   * Where the names of the interfaces' methods and exceptions go ({@code
   * META-INF/jackal/capidl-names.txt}); it becomes a resource directory, so the program's jar
   * carries them and a system that loads the program names its calls in traces and the inspector.
   */
  @Parameter(
      defaultValue = "${project.build.directory}/generated-resources/capidl",
      required = true)
  private File resourceDirectory;

  /** Where the runtime keeps the generated classes of the kernel's own interfaces. */
  @Parameter(defaultValue = "jackal.runtime.idl", required = true)
  private String kernelPackagePrefix;

  /** Skip generation. */
  @Parameter(property = "jackal.capidl.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  private MavenSession session;

  @Parameter(defaultValue = "${plugin.artifacts}", readonly = true, required = true)
  private List<Artifact> pluginArtifacts;

  @Component private ToolchainManager toolchains;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("CapIDL generation skipped");
      return;
    }
    List<Path> sources = idlFiles(sourceDirectory.toPath());
    if (sources.isEmpty()) {
      getLog().info("No CapIDL files in " + sourceDirectory);
      return;
    }
    Result result =
        generate(
            javaExecutable(),
            compilerJar().toPath(),
            outputDirectory.toPath(),
            resourceDirectory.toPath(),
            packagePrefix,
            kernelPackagePrefix,
            sources);
    switch (result.exit()) {
      case 0 -> {}
      case 1 -> throw new MojoFailureException("CapIDL: " + result.output().strip());
      default ->
          throw new MojoExecutionException(
              "CapIDL compiler failed (exit " + result.exit() + "): " + explain(result.output()));
    }
    project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
    Resource names = new Resource();
    names.setDirectory(resourceDirectory.getAbsolutePath());
    project.addResource(names);
    getLog().info("CapIDL: " + sources.size() + " file(s) -> " + outputDirectory);
  }

  static List<Path> idlFiles(Path root) throws MojoExecutionException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".idl"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new MojoExecutionException("cannot list CapIDL files under " + root, e);
    }
  }

  /** The compiler's own words, or what an older JDK's refusal to load it means. */
  static String explain(String output) {
    if (output.contains("UnsupportedClassVersionError")) {
      return "the CapIDL compiler needs JDK 25; select it with maven-toolchains-plugin"
          + " (select-jdk-toolchain, version [25,)) or run Maven on JDK 25";
    }
    return output.strip();
  }

  private String javaExecutable() {
    Toolchain jdk =
        toolchains == null ? null : toolchains.getToolchainFromBuildContext("jdk", session);
    if (jdk != null) {
      String java = jdk.findTool("java");
      if (java != null) {
        return java;
      }
    }
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private File compilerJar() throws MojoExecutionException {
    for (Artifact a : pluginArtifacts) {
      if (COMPILER_ARTIFACT.equals(a.getArtifactId()) && a.getFile() != null) {
        return a.getFile();
      }
    }
    throw new MojoExecutionException(
        "the plugin's " + COMPILER_ARTIFACT + " dependency is missing");
  }

  /** The compiler's exit status (0 done, 1 a malformed file, 2 usage or I/O) and its output. */
  record Result(int exit, String output) {}

  /**
   * Runs the CapIDL compiler from {@code compilerJar} on {@code sources} with {@code java}: the
   * Java into {@code out}, the names resource into {@code resources}.
   */
  static Result generate(
      String java,
      Path compilerJar,
      Path out,
      Path resources,
      String prefix,
      String kernelPrefix,
      List<Path> sources)
      throws MojoExecutionException {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(compilerJar.toAbsolutePath().toString());
    command.add(COMPILER_MAIN);
    command.add("--out");
    command.add(out.toAbsolutePath().toString());
    command.add("--prefix");
    command.add(prefix);
    command.add("--names-resource");
    command.add(resources.toAbsolutePath().toString());
    command.add("--use-kernel-idl");
    command.add(kernelPrefix);
    command.add("--clean");
    command.add("--quiet");
    for (Path p : sources) {
      command.add(p.toString());
    }
    return run(command);
  }

  private static Result run(List<String> command) throws MojoExecutionException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    try {
      Process p = pb.start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return new Result(p.waitFor(), out);
    } catch (IOException e) {
      throw new MojoExecutionException("cannot start " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("interrupted while generating CapIDL stubs", e);
    }
  }
}
