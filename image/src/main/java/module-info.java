/**
 * The Jackal system-image language, in the spirit of Coyotos mkimage.
 *
 * <ul>
 *   <li>{@code jackal.image}: positions ({@link jackal.image.SourcePos}) and errors ({@link
 *       jackal.image.ImageException}).
 *   <li>{@code jackal.image.syntax}: lexer, parser and syntax tree.
 *   <li>{@code jackal.image.eval}: values, scopes, module loading and the interpreter.
 *   <li>{@code jackal.image.boot}: booting an image ({@code jackal run FILE.mki}).
 *   <li>{@code jackal.image.programs}: programs the standard modules load (the launcher).
 *   <li>{@code jackal.image.file}: built images: the image file format, building and loading.
 * </ul>
 */
module jackal.image {
  requires transitive jackal.kernel;
  requires transitive jackal.services;

  exports jackal.image;
  exports jackal.image.syntax;
  exports jackal.image.eval;
  exports jackal.image.boot;
  exports jackal.image.programs;
  exports jackal.image.file;
  exports jackal.image.store;
}
