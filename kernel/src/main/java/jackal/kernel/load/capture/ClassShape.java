package jackal.kernel.load.capture;

import java.util.List;

/**
 * What the program-state codec needs to know of one program class, as the loader made it capturable
 * ({@link CaptureAccessors}): its superclass, the instance fields its accessors read and write (in
 * that order), the static fields likewise, whether it can be re-made without a constructor of its
 * own, and whether its static initializer is skipped on restore.
 *
 * @param name binary name
 * @param superName binary name of the superclass (null for an interface's)
 * @param fields instance fields declared by this class: {@code name:descriptor}
 * @param statics static fields that are not compile-time constants: {@code name:descriptor}
 * @param chained whether the class has the loader's no-op constructor: every superclass up to
 *     {@code Object} or {@code Record} is a program class that has it
 * @param instantiable whether {@code $jackal$new} exists: chained and not abstract
 * @param isEnum an enum or an enum constant's body: its constants are found by name, never made
 * @param guarded whether its static initializer is skipped when it was run before the capture
 */
public record ClassShape(
    String name,
    String superName,
    List<String> fields,
    List<String> statics,
    boolean chained,
    boolean instantiable,
    boolean isEnum,
    boolean guarded) {
  public ClassShape {
    fields = List.copyOf(fields);
    statics = List.copyOf(statics);
  }

  /** Whether the field descriptor {@code nameAndDesc} ({@code name:desc}) holds a reference. */
  static boolean isRef(String nameAndDesc) {
    char c = nameAndDesc.charAt(nameAndDesc.indexOf(':') + 1);
    return c == 'L' || c == '[';
  }
}
