/**
 * The CapIDL compiler of Jackal.
 *
 * <ul>
 *   <li>{@link jackal.idl.CapIdl}: the library entry point (parse, analyse, generate); {@link
 *       jackal.idl.Main}: the command line.
 *   <li>{@code jackal.idl.syntax}: lexer, parser and syntax tree.
 *   <li>{@code jackal.idl.model}: the analysed model: packages, interfaces, methods, parameters,
 *       types, exceptions, constants, with qualified names and codes.
 *   <li>{@code jackal.idl.layout}: where each parameter travels in a 64-bit invocation.
 *   <li>{@code jackal.idl.gen}: Java source generators.
 * </ul>
 */
module jackal.idl {
  exports jackal.idl;
  exports jackal.idl.syntax;
  exports jackal.idl.model;
  exports jackal.idl.layout;
  exports jackal.idl.gen;
}
