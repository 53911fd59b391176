package jackal.idl.model;

import jackal.idl.SourcePos;

/**
 * A method parameter, or the method's return value ({@link #isResult()}, named {@value
 * #RESULT_NAME}, direction {@link Direction#OUT}).
 *
 * @param index the position among the method's parameters (the return value has index equal to the
 *     number of declared parameters)
 */
public record Param(
    String name, Type type, Direction direction, SourcePos pos, int index, boolean isResult) {
  /** The name the return value goes by. */
  public static final String RESULT_NAME = "_result";

  /** Which way a parameter travels. */
  public enum Direction {
    /** In the request. */
    IN,
    /** In the reply. */
    OUT
  }

  public boolean isIn() {
    return direction == Direction.IN;
  }

  public boolean isOut() {
    return direction == Direction.OUT;
  }
}
