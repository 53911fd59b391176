package jackal.idl.model;

import java.util.Optional;

/** Something that names declarations: a package, an interface or an enum. */
public sealed interface Scope permits IdlPackage, InterfaceDef, EnumDef {
  /** The dotted qualified name. */
  String qualifiedName();

  /** The member called {@code name}; for an interface, inherited members count too. */
  Optional<? extends Decl> member(String name);
}
