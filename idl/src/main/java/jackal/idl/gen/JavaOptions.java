package jackal.idl.gen;

import java.util.Objects;

/**
 * Settings of Java generation.
 *
 * @param packagePrefix prepended to each CapIDL package to make the Java package ({@code
 *     jackal.gen} turns {@code coyotos} into {@code jackal.gen.coyotos}); empty for none
 */
public record JavaOptions(String packagePrefix) {
  public JavaOptions {
    Objects.requireNonNull(packagePrefix, "packagePrefix");
  }

  /** The Java package for CapIDL package {@code idlPackage}. */
  public String javaPackage(String idlPackage) {
    return JavaNames.javaPackage(packagePrefix, idlPackage);
  }
}
