package jackal.idl.gen;

import java.util.Map;
import java.util.Objects;

/**
 * Settings of Java generation.
 *
 * @param packagePrefix prepended to each CapIDL package to make the Java package ({@code
 *     jackal.gen} turns {@code coyotos} into {@code jackal.gen.coyotos}); empty for none
 * @param imported CapIDL packages whose Java classes already exist (generated earlier, under the
 *     prefix given here for each): generators write nothing for them, and code that refers to their
 *     types uses those Java packages
 */
public record JavaOptions(String packagePrefix, Map<String, String> imported) {
  public JavaOptions {
    Objects.requireNonNull(packagePrefix, "packagePrefix");
    imported = Map.copyOf(imported);
  }

  /** Generation of every package under {@code packagePrefix}, importing none. */
  public JavaOptions(String packagePrefix) {
    this(packagePrefix, Map.of());
  }

  /** These options, with CapIDL package {@code idlPackage} imported from under {@code prefix}. */
  public JavaOptions importing(String idlPackage, String prefix) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>(imported);
    m.put(idlPackage, prefix);
    return new JavaOptions(packagePrefix, m);
  }

  /** The Java package for CapIDL package {@code idlPackage}. */
  public String javaPackage(String idlPackage) {
    return JavaNames.javaPackage(imported.getOrDefault(idlPackage, packagePrefix), idlPackage);
  }

  /** True if the classes of CapIDL package {@code idlPackage} are to be written. */
  public boolean generates(String idlPackage) {
    return !imported.containsKey(idlPackage);
  }
}
