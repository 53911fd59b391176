package jackal.idl.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A CapIDL package: the declarations of every file that names it, in source order. */
public final class IdlPackage implements Scope {
  private final String name;
  private final Map<String, Decl> members = new LinkedHashMap<>();

  IdlPackage(String name) {
    this.name = name;
  }

  /** The dotted package name. */
  public String name() {
    return name;
  }

  @Override
  public String qualifiedName() {
    return name;
  }

  @Override
  public Optional<Decl> member(String n) {
    return Optional.ofNullable(members.get(n));
  }

  /** Package-level declarations (interfaces included), in source order. */
  public List<Decl> decls() {
    return Collections.unmodifiableList(new ArrayList<>(members.values()));
  }

  /** The interfaces of this package, in source order. */
  public List<InterfaceDef> interfaces() {
    return members.values().stream()
        .filter(InterfaceDef.class::isInstance)
        .map(InterfaceDef.class::cast)
        .toList();
  }

  void add(Decl d) {
    members.put(d.name(), d);
  }

  @Override
  public String toString() {
    return "package " + name;
  }
}
