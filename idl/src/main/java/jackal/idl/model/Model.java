package jackal.idl.model;

import jackal.idl.IdlException;
import jackal.idl.syntax.Ast;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The analysed CapIDL of a set of files: the symbol table. Every declaration is found by its dotted
 * qualified name ({@code coyotos.Cap}, {@code coyotos.Cap.getType}, {@code
 * coyotos.Range.obType.otPage}); every method (except {@code client} ones) has its {@link
 * MethodDef#layout() layout}.
 */
public final class Model {
  private final Map<String, IdlPackage> packages;
  private final Map<String, Decl> symbols;

  Model(Map<String, IdlPackage> packages, Map<String, Decl> symbols) {
    this.packages = Collections.unmodifiableMap(packages);
    this.symbols = Collections.unmodifiableMap(symbols);
  }

  /** Resolves and checks parsed files together (they may refer to each other). */
  public static Model analyze(List<Ast.Unit> units) throws IdlException {
    return new Analyzer().run(units);
  }

  /** The packages, in the order first seen. */
  public List<IdlPackage> packages() {
    return List.copyOf(packages.values());
  }

  /** The package called {@code name}. */
  public Optional<IdlPackage> pkg(String name) {
    return Optional.ofNullable(packages.get(name));
  }

  /** Every declaration by qualified name, in source order. */
  public Map<String, Decl> symbols() {
    return symbols;
  }

  /** The declaration called {@code qualifiedName}. */
  public Optional<Decl> lookup(String qualifiedName) {
    return Optional.ofNullable(symbols.get(qualifiedName));
  }

  /** The declaration called {@code qualifiedName}, if it is a {@code kind}. */
  public <T extends Decl> Optional<T> lookup(String qualifiedName, Class<T> kind) {
    return lookup(qualifiedName).filter(kind::isInstance).map(kind::cast);
  }

  /** Every interface, package by package, in source order. */
  public List<InterfaceDef> interfaces() {
    return packages.values().stream().flatMap(p -> p.interfaces().stream()).toList();
  }

  /** The interface called {@code qualifiedName}; throws if there is none. */
  public InterfaceDef iface(String qualifiedName) {
    return get(qualifiedName, InterfaceDef.class);
  }

  /** The method called {@code qualifiedName} (declarer's name); throws if there is none. */
  public MethodDef method(String qualifiedName) {
    return get(qualifiedName, MethodDef.class);
  }

  /** The exception called {@code qualifiedName}; throws if there is none. */
  public ExceptionDef exception(String qualifiedName) {
    return get(qualifiedName, ExceptionDef.class);
  }

  private <T extends Decl> T get(String qn, Class<T> kind) {
    return lookup(qn, kind)
        .orElseThrow(
            () -> new NoSuchElementException("no " + kind.getSimpleName() + " called " + qn));
  }
}
