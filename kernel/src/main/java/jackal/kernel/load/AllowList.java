package jackal.kernel.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JDK members a program may reach, read from the resource {@code jdk-allow.txt} beside this
 * class (its header explains the format). Names here are internal ({@code java/lang/String}).
 *
 * <p>A member is allowed through a class when its name is listed for that class, or the class lists
 * {@code *} and does not exclude it, or it is allowed through a parent the list gives for that
 * class; a name in the global {@code deny} line is never allowed. The list names members by name,
 * all overloads together: the few overloads that differ in safety are excluded with the rest of
 * their name.
 */
public final class AllowList {
  private static final String OBJECT = "java/lang/Object";

  private record Entry(
      boolean mayExtend,
      boolean all,
      Set<String> members,
      Set<String> excluded,
      List<String> parents) {}

  private final Map<String, Entry> classes = new HashMap<>();
  private final Set<String> infra = new HashSet<>();
  private final Set<String> denied = new HashSet<>();
  private byte[] digest = new byte[0];

  private AllowList() {}

  /** The list shipped with the kernel. */
  public static AllowList standard() {
    return Holder.STANDARD;
  }

  private static final class Holder {
    static final AllowList STANDARD = load();
  }

  private static AllowList load() {
    try (InputStream in = AllowList.class.getResourceAsStream("jdk-allow.txt")) {
      if (in == null) {
        throw new IllegalStateException("jdk-allow.txt missing from the kernel");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("StringSplitter") // the list's own simple format: no empty fields matter
  static AllowList parse(BufferedReader r) throws IOException {
    AllowList a = new AllowList();
    java.security.MessageDigest md = VerifiedCache.sha256();
    int lineNo = 0;
    for (String line; (line = r.readLine()) != null; ) {
      lineNo++;
      md.update(line.getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
      int hash = line.indexOf('#');
      String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (s.isEmpty()) {
        continue;
      }
      String[] head = s.split(":", 2)[0].strip().split("\\s+");
      String[] members = s.contains(":") ? s.split(":", 2)[1].strip().split("\\s+") : new String[0];
      switch (head[0]) {
        case "deny" -> {
          for (int i = 1; i < head.length; i++) {
            a.denied.add(head[i]);
          }
        }
        case "infra" -> {
          for (int i = 1; i < head.length; i++) {
            a.infra.add(internal(head[i]));
          }
        }
        case "class", "super" -> a.addClass(head, members, lineNo);
        default ->
            throw new IllegalStateException("jdk-allow.txt:" + lineNo + ": " + head[0] + "?");
      }
    }
    a.digest = md.digest();
    return a;
  }

  /** The SHA-256 of the list's text, which names it in the verified-program cache's keys. */
  byte[] digest() {
    return digest.clone();
  }

  @SuppressWarnings("StringSplitter") // a comma-separated list of class names, none empty
  private void addClass(String[] head, String[] memberTokens, int lineNo) {
    if (head.length != 2 && !(head.length == 4 && head[2].equals("extends"))) {
      throw new IllegalStateException("jdk-allow.txt:" + lineNo + ": bad class line");
    }
    String name = internal(head[1]);
    List<String> parents = new ArrayList<>();
    if (head.length == 4) {
      for (String p : head[3].split(",")) {
        parents.add(internal(p));
      }
    } else if (!name.equals(OBJECT)) {
      parents.add(OBJECT);
    }
    boolean all = false;
    Set<String> members = new HashSet<>();
    Set<String> excluded = new HashSet<>();
    for (String t : memberTokens) {
      if (t.isEmpty()) {
        continue;
      }
      if (t.equals("*")) {
        all = true;
      } else if (t.startsWith("-")) {
        excluded.add(t.substring(1));
      } else {
        members.add(t);
      }
    }
    if (classes.put(name, new Entry(head[0].equals("super"), all, members, excluded, parents))
        != null) {
      throw new IllegalStateException("jdk-allow.txt:" + lineNo + ": " + name + " twice");
    }
  }

  private static String internal(String binary) {
    return binary.replace('.', '/');
  }

  /** A program may name this JDK type (in descriptors, casts, arrays, handlers). */
  public boolean isType(String internalName) {
    return classes.containsKey(internalName);
  }

  /** A program class may extend or implement this JDK type. */
  public boolean mayExtend(String internalName) {
    Entry e = classes.get(internalName);
    return e != null && e.mayExtend;
  }

  /**
   * A program's class loader may hand out this JDK class: one a program may name, or one the JVM
   * resolves on a program's behalf to run the bootstraps it may use (never named by program code).
   */
  public boolean isLoadable(String internalName) {
    return classes.containsKey(internalName) || infra.contains(internalName);
  }

  /** Member {@code name} of JDK class {@code owner} may be reached through {@code owner}. */
  public boolean allows(String owner, String name) {
    return !denied.contains(name) && allows(owner, name, 0);
  }

  private boolean allows(String owner, String name, int depth) {
    Entry e = classes.get(owner);
    if (e == null || depth > 16 || e.excluded.contains(name)) {
      return false;
    }
    if (e.all || e.members.contains(name)) {
      return true;
    }
    for (String p : e.parents) {
      if (allows(p, name, depth + 1)) {
        return true;
      }
    }
    return false;
  }
}
