package jackal.kernel.cap;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Restr;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.Page;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 16-byte capability form: word 0 = type:6 | prepared:1 (always 0) | restr:5 | count[19:0]:20;
 * word 1 = payload or guard; words 2-3 = OID or offset, with count[43:20] in the top 24 bits of an
 * object capability's words 2-3 in the WIDE layout; bytes little-endian.
 */
class CapEncodingTest {

  /** Every type code the reference defines: 0x00-0x10, 0x20-0x25 and 0x3F. */
  static final int[] DEFINED_TYPES =
      IntStream.concat(
              IntStream.concat(
                  IntStream.rangeClosed(0x00, 0x10), IntStream.rangeClosed(0x20, 0x25)),
              IntStream.of(0x3F))
          .toArray();

  // ------------------------------------------------------------------ independent model

  /** The count bits a capability of this type carries in this layout. */
  static int countBits(int type, OidLayout layout) {
    return CapType.isObject(type) ? layout.countBits : 20;
  }

  /** The OID/offset bits a capability of this type carries in this layout. */
  static int oidBits(int type, OidLayout layout) {
    return CapType.isObject(type) ? layout.oidBits : 64;
  }

  /** The four words, computed field by field from the layout description (not from the code). */
  static int[] expectedWords(int type, int restr, long count, int word1, long oid, OidLayout l) {
    int w0 = type | (restr << 7) | ((int) (count & 0xFFFFF) << 12);
    long w23 = oid;
    if (CapType.isObject(type) && l == OidLayout.WIDE) {
      w23 = (oid & 0xFF_FFFF_FFFFL) | ((count >>> 20) & 0xFF_FFFFL) << 40;
    }
    return new int[] {w0, word1, (int) w23, (int) (w23 >>> 32)};
  }

  static byte[] littleEndian(int[] w) {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : w) {
      b.putInt(x);
    }
    return b.array();
  }

  /**
   * Encodes, checks words and bytes against the model, decodes both forms, checks every field. The
   * comparisons are plain (this runs ~10^5 times); AssertJ only describes a failure.
   */
  static void checkRoundTrip(
      int type, int restr, long count, int word1, long oid, OidLayout layout, String why) {
    Capability c = Capability.of(type, restr, count, word1, oid, null);
    int[] words = CapEncoding.encode(c, layout);
    byte[] bytes = CapEncoding.encodeBytes(c, layout);
    int[] expected = expectedWords(type, restr, count, word1, oid, layout);
    Capability fromWords = CapEncoding.decode(words, layout, null);
    Capability fromBytes = CapEncoding.decodeBytes(bytes, layout, null);
    if (Arrays.equals(words, expected)
        && (words[0] & 0x40) == 0
        && Arrays.equals(bytes, littleEndian(expected))
        && sameFields(fromWords, type, restr, count, word1, oid)
        && sameFields(fromBytes, type, restr, count, word1, oid)) {
      return;
    }
    String ctx =
        String.format(
            "%s type=0x%x restr=0x%x count=0x%x w1=0x%x oid=0x%x layout=%s",
            why, type, restr, count, word1, oid, layout);
    assertThat(words).as("words: " + ctx).containsExactly(expected);
    assertThat(words[0] & 0x40).as("prepared bit is never set: " + ctx).isZero();
    assertThat(bytes)
        .as("bytes are the little-endian words: " + ctx)
        .containsExactly(littleEndian(expected));
    for (Capability d : List.of(fromWords, fromBytes)) {
      assertThat(d).as("round trip: " + ctx).isEqualTo(c);
      assertThat(d.type).as("type: " + ctx).isEqualTo(type);
      assertThat(d.restr).as("restr: " + ctx).isEqualTo(restr);
      assertThat(d.allocCount).as("count: " + ctx).isEqualTo(count);
      assertThat(d.word1()).as("word1: " + ctx).isEqualTo(word1);
      assertThat(d.oid).as("oid: " + ctx).isEqualTo(oid);
      assertThat(d.target).as("no resolver, no target: " + ctx).isNull();
    }
    throw new AssertionError("unreachable: " + ctx);
  }

  static boolean sameFields(Capability d, int type, int restr, long count, int word1, long oid) {
    return d.type == type
        && d.restr == restr
        && d.allocCount == count
        && d.word1() == word1
        && d.oid == oid
        && d.target == null
        && d.equals(Capability.of(type, restr, count, word1, oid, null));
  }

  // ------------------------------------------------------------------ hand-computed words

  @Test
  void entryCapInCoyotos2007LayoutHasHandComputedWordsAndBytes() {
    Capability c =
        Capability.of(
            CapType.ENTRY, Restr.NO_CALL, 0xABCDE, 0xDEADBEEF, 0x0123_4567_89AB_CDEFL, null);
    // w0 = 0x3F | 0x10<<7 (0x800) | 0xABCDE<<12 (0xABCDE000)
    assertThat(CapEncoding.encode(c, OidLayout.COYOTOS_2007))
        .containsExactly(0xABCDE83F, 0xDEADBEEF, 0x89ABCDEF, 0x01234567);
    assertThat(CapEncoding.encodeBytes(c, OidLayout.COYOTOS_2007))
        .containsExactly(
            0x3F, 0xE8, 0xCD, 0xAB, 0xEF, 0xBE, 0xAD, 0xDE, 0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45,
            0x23, 0x01);
  }

  @Test
  void pageCapInWideLayoutCarriesHighCountBitsInTopOfWords2And3() {
    long count = 0x123_4567_89ABL; // count[43:20] = 0x123456, count[19:0] = 0x789AB
    int guard = (0x123456 << 8) | 12; // match 0x123456, l2g 12
    long oid = 0xAB_CDEF_0123L; // 40 bits
    Capability c =
        Capability.of(CapType.PAGE, Restr.READ_ONLY | Restr.NO_EXECUTE, count, guard, oid, null);
    // w0 = 0x21 | 0x06<<7 (0x300) | 0x789AB<<12; w23 = 0x123456 << 40 | 0xABCDEF0123
    assertThat(CapEncoding.encode(c, OidLayout.WIDE))
        .containsExactly(0x789AB321, 0x1234560C, 0xCDEF0123, 0x123456AB);
    assertThat(CapEncoding.encodeBytes(c, OidLayout.WIDE))
        .containsExactly(
            0x21, 0xB3, 0x9A, 0x78, 0x0C, 0x56, 0x34, 0x12, 0x23, 0x01, 0xEF, 0xCD, 0xAB, 0x56,
            0x34, 0x12);
    assertThat(CapEncoding.decode(CapEncoding.encode(c, OidLayout.WIDE), OidLayout.WIDE, null))
        .isEqualTo(c);
  }

  @Test
  void allOnesFieldsLeaveOnlyThePreparedBitClear() {
    Capability c =
        Capability.of(
            CapType.ENTRY, Restr.ALL, OidLayout.WIDE.maxCount, -1, OidLayout.WIDE.maxOid, null);
    assertThat(CapEncoding.encode(c, OidLayout.WIDE)).containsExactly(0xFFFFFFBF, -1, -1, -1);
    Capability d =
        Capability.of(CapType.ENTRY, Restr.ALL, OidLayout.COYOTOS_2007.maxCount, -1, -1L, null);
    assertThat(CapEncoding.encode(d, OidLayout.COYOTOS_2007))
        .containsExactly(0xFFFFFFBF, -1, -1, -1);
  }

  @Test
  void windowOffsetUsesAll64BitsEvenInWideLayout() {
    // Misc caps are not split: a window's offset is the whole of words 2-3 in both layouts.
    long offset = 0xFFFF_F000_0000_0000L;
    Capability w =
        Capability.of(CapType.LOCAL_WINDOW, Restr.WEAK, 7, (0x1 << 8) | 44, offset, null);
    // w0 = 0x02 | 0x01<<7 | 7<<12 = 0x7082; w1 = 1<<8 | 44 = 0x12C
    for (OidLayout l : OidLayout.values()) {
      assertThat(CapEncoding.encode(w, l))
          .as(l.name())
          .containsExactly(0x7082, 0x12C, 0, 0xFFFF_F000);
      assertThat(CapEncoding.decode(CapEncoding.encode(w, l), l, null)).isEqualTo(w);
    }
  }

  @Test
  void nullEncodesToZeroAndDecodesToTheNullSingleton() {
    for (OidLayout l : OidLayout.values()) {
      assertThat(CapEncoding.encode(Capability.NULL, l)).containsExactly(0, 0, 0, 0);
      assertThat(CapEncoding.encodeBytes(Capability.NULL, l)).containsOnly(0);
      assertThat(CapEncoding.decode(new int[4], l, (t, o) -> null)).isSameAs(Capability.NULL);
      assertThat(CapEncoding.decodeBytes(new byte[16], l, null)).isSameAs(Capability.NULL);
    }
  }

  @Test
  void decodeIgnoresAPreparedBitSetInTheInput() {
    int[] w = {0x3F | 0x40 | (Restr.WEAK << 7) | (5 << 12), 9, 3, 0};
    for (OidLayout l : OidLayout.values()) {
      Capability c = CapEncoding.decode(w, l, null);
      assertThat(c).isEqualTo(Capability.of(CapType.ENTRY, Restr.WEAK, 5, 9, 3, null));
      assertThat(CapEncoding.encode(c, l)[0] & 0x40).isZero();
    }
  }

  @Test
  void everySixBitTypeCodeSurvivesTheRoundTrip() {
    for (OidLayout l : OidLayout.values()) {
      for (int t = 0; t < 64; t++) {
        Capability c = Capability.of(t, 0, 1, 2, 3, null);
        assertThat(CapEncoding.decode(CapEncoding.encode(c, l), l, null).type)
            .as("type 0x%x in %s", t, l)
            .isEqualTo(t);
      }
    }
  }

  // ------------------------------------------------------------------ resolver

  @Test
  void decodeBindsOnlyObjectCapsToWhatTheResolverReturns() {
    KObject page = new Page(42);
    KObject ep = new Endpoint(42);
    List<String> calls = new ArrayList<>();
    CapEncoding.ResolveObject resolve =
        (type, oid) -> {
          calls.add(CapType.name(type) + "@" + oid);
          return type == CapType.PAGE ? page : type == CapType.ENTRY ? ep : null;
        };
    for (OidLayout l : OidLayout.values()) {
      calls.clear();
      for (int type : DEFINED_TYPES) {
        Capability c = Capability.of(type, 0, 3, 0, 42, null);
        Capability d = CapEncoding.decode(CapEncoding.encode(c, l), l, resolve);
        assertThat(d).isEqualTo(c);
        KObject want = type == CapType.PAGE ? page : type == CapType.ENTRY ? ep : null;
        assertThat(d.target).as("target of %s", CapType.name(type)).isSameAs(want);
      }
      assertThat(calls)
          .as("resolver is asked about object caps only, with their type and OID (%s)", l)
          .containsExactly(
              "Endpoint@42",
              "Page@42",
              "CapPage@42",
              "GPT@42",
              "Process@42",
              "AppNotice@42",
              "Entry@42");
    }
  }

  @Test
  void encodingIgnoresTheTargetReference() {
    Page p = new Page(9);
    p.allocCount = 4;
    Capability bound = Capability.object(CapType.PAGE, Restr.READ_ONLY, 12, p);
    Capability unbound = Capability.of(CapType.PAGE, Restr.READ_ONLY, 4, 12, 9, null);
    for (OidLayout l : OidLayout.values()) {
      assertThat(CapEncoding.encode(bound, l)).containsExactly(CapEncoding.encode(unbound, l));
    }
  }

  // ------------------------------------------------------------------ extremes and random

  @ParameterizedTest
  @EnumSource(OidLayout.class)
  void everyDefinedTypeRoundTripsWithFieldsAtTheirExtremes(OidLayout layout) {
    int cases = 0;
    for (int type : DEFINED_TYPES) {
      int cb = countBits(type, layout);
      int ob = oidBits(type, layout);
      long maxCount = (1L << cb) - 1;
      long maxOid = ob == 64 ? -1L : (1L << ob) - 1;
      long[] counts = {0, 1, 0xFFFFF, 1L << 19, maxCount, maxCount - 1, cb > 20 ? 1L << 20 : 2};
      long[] oids = {
        0, 1, maxOid, maxOid - 1, maxOid >>> 1, 1L << (ob - 1), ob == 64 ? 1L << 32 : 1L << 39
      };
      int[] word1s = {0, 1, -1, 0x8000_0000, 0x7FFF_FFFF, (0xFF_FFFE << 8) | 64};
      int[] restrs = {
        0, Restr.ALL, Restr.WEAK, Restr.READ_ONLY, Restr.NO_EXECUTE, Restr.OPAQUE, Restr.NO_CALL
      };
      for (long count : counts) {
        for (long oid : oids) {
          for (int w1 : word1s) {
            for (int r : restrs) {
              checkRoundTrip(type, r, count, w1, oid, layout, "extreme");
              cases++;
            }
          }
        }
      }
    }
    assertThat(cases).isGreaterThan(20_000);
  }

  @ParameterizedTest
  @EnumSource(OidLayout.class)
  void everyDefinedTypeRoundTripsForThousandsOfSeededRandomValues(OidLayout layout) {
    long seed = Seeded.seed();
    SplittableRandom r = Seeded.random(seed, "CapEncoding/" + layout);
    int perType = 400;
    for (int type : DEFINED_TYPES) {
      for (int i = 0; i < perType; i++) {
        int restr = r.nextInt(32);
        long count = Seeded.edgy(r, countBits(type, layout));
        int word1 = (int) Seeded.edgy(r, 32);
        long oid = Seeded.edgy(r, oidBits(type, layout));
        checkRoundTrip(
            type,
            restr,
            count,
            word1,
            oid,
            layout,
            "case " + i + ", " + Seeded.describe(seed) + ":");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(OidLayout.class)
  void randomWordsOfDefinedTypesDecodeAndReencodeToTheSameWordsExceptThePreparedBit(
      OidLayout layout) {
    long seed = Seeded.seed();
    SplittableRandom r = Seeded.random(seed, "CapEncoding/words/" + layout);
    for (int i = 0; i < 5_000; i++) {
      int type = DEFINED_TYPES[r.nextInt(DEFINED_TYPES.length)];
      int[] w = {(r.nextInt() & ~0x3F) | type, r.nextInt(), r.nextInt(), r.nextInt()};
      int[] again = CapEncoding.encode(CapEncoding.decode(w, layout, null), layout);
      int[] want = {w[0] & ~0x40, w[1], w[2], w[3]};
      assertThat(again)
          .as(
              "case %d words %08x %08x %08x %08x, %s",
              i, w[0], w[1], w[2], w[3], Seeded.describe(seed))
          .containsExactly(want);
    }
  }
}
