/**
 * The Jackal system-image language, in the spirit of Coyotos mkimage.
 *
 * <ul>
 *   <li>{@code jackal.image}: positions ({@link jackal.image.SourcePos}) and errors ({@link
 *       jackal.image.ImageException}).
 *   <li>{@code jackal.image.syntax}: lexer, parser and syntax tree.
 *   <li>{@code jackal.image.eval}: values, scopes, module loading and the interpreter.
 * </ul>
 */
module jackal.image {
  requires transitive jackal.kernel;

  exports jackal.image;
  exports jackal.image.syntax;
  exports jackal.image.eval;
}
