package jackal.kernel.load;

/** Names of program classes: which are well formed, and which packages a program may not use. */
final class ClassNames {
  private ClassNames() {}

  /**
   * Package prefixes (binary names) no program class may be declared in: the JDK's, the kernel's,
   * and {@code jackal.confined}, where the kernel defines its own per-process classes (the
   * preemption check's class).
   */
  private static final String[] RESERVED = {
    "java.", "javax.", "jdk.", "sun.", "com.sun.", "jackal.kernel.", "jackal.confined."
  };

  /** A binary class name: dot-separated Java identifiers, at least one. */
  static boolean isBinaryName(String s) {
    if (s.isEmpty() || s.length() > ImageLimits.MAX_ENTRY_NAME) {
      return false;
    }
    boolean start = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (start) {
          return false;
        }
        start = true;
      } else if (start ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c)) {
        start = false;
      } else {
        return false;
      }
    }
    return !start;
  }

  /** The reserved package prefix {@code binaryName} falls in, or null. */
  static String reservedPackage(String binaryName) {
    for (String r : RESERVED) {
      if (binaryName.startsWith(r)) {
        return r + "*";
      }
    }
    return null;
  }
}
