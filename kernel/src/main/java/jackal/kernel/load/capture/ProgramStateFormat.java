package jackal.kernel.load.capture;

/**
 * The layout of program-state bytes (version 1), all integers big-endian:
 *
 * <pre>
 * magic    u4  'JKPS'
 * version  u2  1
 * length   u4  bytes after this field up to, not including, the checksum
 * image    utf the digest of the image's segments (the loader's cache key)
 * classes  u4 n, then n × utf: binary names of program classes, indexed by the records below
 * statics  u4 n, then n × (class u4, fields u2 m, m × (name utf, value))  for each class
 *          initialized at the capture, in initialization order
 * heap     u4 n, then n × object (class index or array tag, then fields or elements as values)
 * frames   u4 n, then n × (method utf, site u2, slots u2, slots × value), innermost first
 * crc      u4  CRC-32C of everything before it
 * </pre>
 *
 * A value is a tag byte and its payload: a primitive of each type, null, a reference to object k of
 * the heap section, the process's trap gate. Strings, boxes, primitive arrays and the collections
 * the allow-list lets programs hold are heap objects with codecs of their own; program objects are
 * written field by field through the accessors the loader generates for each class (no reflection),
 * and re-made without running a constructor.
 */
public final class ProgramStateFormat {
  private ProgramStateFormat() {}

  /** 'JKPS'. */
  public static final int MAGIC = 0x4a4b5053;

  public static final int VERSION = 1;
}
