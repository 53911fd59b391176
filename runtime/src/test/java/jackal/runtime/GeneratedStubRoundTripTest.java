package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.CapNoAccessException;
import jackal.runtime.idl.coyotos.CapRequestErrorException;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idltest.sample.RefusedException;
import jackal.runtime.idltest.sample.SampleBadValueException;
import jackal.runtime.idltest.sample.SampleBox;
import jackal.runtime.idltest.sample.SampleBusyException;
import jackal.runtime.idltest.sample.SampleClient;
import jackal.runtime.idltest.sample.SampleCodes;
import jackal.runtime.idltest.sample.SampleHolder;
import jackal.runtime.idltest.sample.SamplePoint;
import jackal.runtime.idltest.sample.SampleReading;
import jackal.runtime.idltest.sample.SampleSkeleton;
import jackal.runtime.idltest.sample.SubSampleClient;
import jackal.runtime.idltest.sample.SubSampleCodes;
import jackal.runtime.idltest.sample.SubSampleSkeleton;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A client process calls a server process through the stub and skeleton generated from Sample.idl,
 * across the real kernel, for every kind of parameter; requests that do not have their method's
 * shape get RequestError, unknown opcodes UnknownRequest.
 */
class GeneratedStubRoundTripTest {
  /** Client registers: the Sample and SubSample entry capabilities. */
  private static final int SAMPLE = 8;

  private static final int SUB = 9;

  /** Where returned capabilities land. */
  private static final int INTO0 = 10;

  private static final int INTO1 = 11;

  /** The client's string area (its one page is 4 KiB). */
  private static final long AREA = 0x100;

  private static final int AREA_SIZE = 1024;

  /** The server's receive buffer and reply staging area. */
  private static final long RCV = 0x800;

  private static final long STAGE = 0xC00;

  /** One body of client code: runs inside the client process, checks with AssertJ. */
  private interface ClientBody {
    void run(Ipc ipc, SampleClient sample) throws Exception;
  }

  /**
   * Boots a Sample server (endpoint ID 1) and a SubSample server (ID 2) in one server loop, runs
   * {@code body} in a client, and fails with the client's first failure.
   */
  private static void withServer(ClientBody body) throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      List<String> done = new CopyOnWriteArrayList<>();
      ProgramEntry serverProgram =
          sys -> {
            Ipc ipc = new Ipc(sys);
            Ipc own = new Ipc(sys);
            ipc.stringBuffer(
                RCV,
                Math.max(
                    SampleSkeleton.REQUEST_STRING_BYTES, SubSampleSkeleton.REQUEST_STRING_BYTES));
            new ServerLoop(ipc)
                .register(1, new SampleSkeleton(new SampleService(own)).stringArea(STAGE, 512))
                .register(
                    2, new SubSampleSkeleton(new SampleService.Sub(own)).stringArea(STAGE, 512))
                .run();
          };
      ObjectRef server = s.process("server", serverProgram);
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                try {
                  Ipc ipc = new Ipc(sys);
                  body.run(ipc, new SampleClient(ipc).stringArea(AREA, AREA_SIZE));
                  done.add("done");
                } catch (Throwable t) {
                  failures.add(t);
                }
              });
      s.give(client, SAMPLE, s.k.entry(s.endpoint(server, 1), 0));
      s.give(client, SUB, s.k.entry(s.endpoint(server, 2), 0));
      s.runUntilQuiet(server, client);
      if (!failures.isEmpty()) {
        throw new AssertionError("the client failed: " + failures.getFirst(), failures.getFirst());
      }
      assertThat(done)
          .as("the client ran to its end (server %s)", s.info(server))
          .containsExactly("done");
    }
  }

  @Test
  void integersOfEveryWidthAndSignednessRoundTrip() throws Exception {
    withServer(
        (ipc, c) -> {
          var r = c.small(reg(SAMPLE), -100, 200, -30000, 60000, Integer.MIN_VALUE, 0xFFFF_FFFE);
          assertThat(r.ob()).isEqualTo(-100);
          assertThat(r.oub()).isEqualTo(200);
          assertThat(r.os()).isEqualTo(-30000);
          assertThat(r.ous()).isEqualTo(60000);
          assertThat(r.ol()).isEqualTo(Integer.MIN_VALUE);
          assertThat(r.oul()).isEqualTo(0xFFFF_FFFE);
          assertThat(r.result())
              .isEqualTo(-100L + 200 - 30000 + 60000 + Integer.MIN_VALUE + 0xFFFF_FFFEL);
          // Out-of-range Java values are cut to the IDL width on the way: 0x1FF as a byte is -1.
          var cut = c.small(reg(SAMPLE), 0x1FF, 0x1FF, 0x1FFFF, 0x1FFFF, 0, 0);
          assertThat(List.of(cut.ob(), cut.oub(), cut.os(), cut.ous()))
              .containsExactly(-1, 255, -1, 65535);
          assertThat(ipc.w[2]).as("an unsigned byte goes zero-extended").isEqualTo(255);
        });
  }

  @Test
  void sixtyFourBitValuesBooleansFloatsAndCharacters() throws Exception {
    withServer(
        (ipc, c) -> {
          var big = c.big(reg(SAMPLE), Long.MIN_VALUE + 5, 0xFFFF_FFFF_FFFF_FFFFL);
          assertThat(big.negA()).isEqualTo(-(Long.MIN_VALUE + 5));
          assertThat(big.result()).isEqualTo(Long.MIN_VALUE + 4);
          assertThat(c.flip(reg(SAMPLE), true)).isFalse();
          assertThat(c.flip(reg(SAMPLE), false)).isTrue();
          assertThat(c.scale(reg(SAMPLE), 1.5f, -2.25)).isEqualTo(-3.375);
          assertThat(c.chars(reg(SAMPLE), 'A', 0x263A, 0x1F600)).isEqualTo('A' + 0x263A + 0x1F600);
        });
  }

  @Test
  void enumsAndBitsetsRoundTrip() throws Exception {
    withServer(
        (ipc, c) -> {
          var n =
              c.next(
                  reg(SAMPLE),
                  SampleCodes.color.green,
                  SampleCodes.perms.read,
                  SampleCodes.wide.minusOne);
          assertThat(n.result()).isEqualTo(SampleCodes.color.blue);
          assertThat(n.all()).isEqualTo(SampleCodes.perms.read | SampleCodes.perms.exec);
          assertThat(n.w2()).isEqualTo(SampleCodes.wide.beyond32).isEqualTo(0x1_0000_0000L);
          var back = c.next(reg(SAMPLE), SampleCodes.color.blue, 0, SampleCodes.wide.beyond32);
          assertThat(back.result()).isEqualTo(SampleCodes.color.red);
          assertThat(back.w2()).isEqualTo(-1L);
        });
  }

  @Test
  void structsAndFixedArraysRoundTrip() throws Exception {
    withServer(
        (ipc, c) -> {
          assertThat(c.mirror(reg(SAMPLE), new SamplePoint(3, -4)))
              .isEqualTo(new SamplePoint(-4, 3));
          SampleBox b =
              c.grow(
                  reg(SAMPLE),
                  new SampleBox(new SamplePoint(10, 20), new int[] {5, 65535}, true),
                  2);
          assertThat(b.corner()).isEqualTo(new SamplePoint(8, 18));
          assertThat(b.size()).containsExactly(9, 3); // 65535 + 4 wraps in an unsigned short
          assertThat(b.filled()).isFalse();
          assertThatThrownBy(
                  () ->
                      c.grow(
                          reg(SAMPLE), new SampleBox(new SamplePoint(0, 0), new int[3], true), 1))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("b.size: 2 elements expected, not 3");
        });
  }

  @Test
  void sequencesUpToTheirBoundAndOnePastIt() throws Exception {
    withServer(
        (ipc, c) -> {
          long[] sixteen = new long[16];
          for (int i = 0; i < 16; i++) {
            sixteen[i] = (long) i << 40;
          }
          var sum = c.sum(reg(SAMPLE), sixteen);
          assertThat(sum.count()).isEqualTo(16);
          assertThat(sum.result()).isEqualTo(120L << 40);
          assertThat(c.sum(reg(SAMPLE), new long[0]).count()).isZero();
          assertThat(c.reverse(reg(SAMPLE), sixteen))
              .startsWith(15L << 40, 14L << 40)
              .endsWith(0L)
              .hasSize(16);
          assertThatThrownBy(() -> c.sum(reg(SAMPLE), new long[17]))
              .isInstanceOf(CapRequestErrorException.class);

          byte[] text =
              "sixty-four bytes of text, lower case, mostly: abcdefghijklmnopqr"
                  .getBytes(StandardCharsets.US_ASCII);
          assertThat(text).hasSize(64);
          assertThat(new String(c.upper(reg(SAMPLE), text), StandardCharsets.US_ASCII))
              .isEqualTo("SIXTY-FOUR BYTES OF TEXT, LOWER CASE, MOSTLY: ABCDEFGHIJKLMNOPQR");
          assertThatThrownBy(() -> c.upper(reg(SAMPLE), new byte[65]))
              .isInstanceOf(CapRequestErrorException.class);

          SampleReading[] readings = new SampleReading[4];
          for (int i = 0; i < 4; i++) {
            readings[i] = new SampleReading(-i, 65534 + i, -1L - i, i + 0.5);
          }
          SampleReading[] bumped = c.bump(reg(SAMPLE), readings);
          assertThat(bumped)
              .containsExactly( // 65534 + 2 no longer fits an unsigned short: 0
                  new SampleReading(1, 65535, 0, 1.0),
                  new SampleReading(0, 0, -1, 3.0),
                  new SampleReading(-1, 1, -2, 5.0),
                  new SampleReading(-2, 2, -3, 7.0));
          SampleReading[] five = {readings[0], readings[1], readings[2], readings[3], readings[0]};
          assertThatThrownBy(() -> c.bump(reg(SAMPLE), five))
              .isInstanceOf(CapRequestErrorException.class);

          assertThat(c.negate(reg(SAMPLE), new short[] {1, -2, Short.MAX_VALUE, 0, 0, 0, 0, 9}))
              .isEqualTo(new short[] {-1, 2, -Short.MAX_VALUE, 0, 0, 0, 0, -9});
          assertThat(c.invert(reg(SAMPLE), new boolean[] {true, false, true}))
              .containsExactly(false, true, false);
        });
  }

  @Test
  void stringsUpToTheirBoundAndOnePastIt() throws Exception {
    withServer(
        (ipc, c) -> {
          assertThat(c.greet(reg(SAMPLE), "Jackal")).isEqualTo("Hello, Jackal!");
          assertThat(c.greet(reg(SAMPLE), "")).isEqualTo("Hello, !");
          String twenty = "twenty bytes: é ok!"; // é takes two bytes in UTF-8
          assertThat(twenty.getBytes(StandardCharsets.UTF_8)).hasSize(20);
          assertThat(c.greet(reg(SAMPLE), twenty)).isEqualTo("Hello, " + twenty + "!");
          assertThatThrownBy(() -> c.greet(reg(SAMPLE), twenty + "x"))
              .isInstanceOf(CapRequestErrorException.class)
              .extracting(e -> ((KernelException) e).code())
              .isEqualTo(Codes.RC_REQUEST_ERROR);
        });
  }

  @Test
  void capabilitiesGoInAndComeOutWhereTheCallerSays() throws Exception {
    withServer(
        (ipc, c) -> {
          DiscrimClient discrim = new DiscrimClient(new Ipc(ipc.sys()));
          var swapped =
              c.swap(
                  reg(SAMPLE), reg(CapReg.SELF), reg(TestSystem.KERNLOG), reg(INTO0), reg(INTO1));
          assertThat(swapped.first()).isEqualTo(reg(INTO0));
          assertThat(swapped.result()).isEqualTo(reg(INTO1));
          assertThat(discrim.compare(reg(TestSystem.DISCRIM), reg(INTO0), reg(TestSystem.KERNLOG)))
              .isTrue();
          assertThat(discrim.compare(reg(TestSystem.DISCRIM), reg(INTO1), reg(CapReg.SELF)))
              .isTrue();

          SampleHolder kept =
              c.keep(reg(SAMPLE), new SampleHolder(reg(TestSystem.CAPBITS), 41), reg(INTO0));
          assertThat(kept).isEqualTo(new SampleHolder(reg(INTO0), 42));
          assertThat(discrim.compare(reg(TestSystem.DISCRIM), reg(INTO0), reg(TestSystem.CAPBITS)))
              .isTrue();
        });
  }

  @Test
  void severalOutParametersAndAOnewayMethod() throws Exception {
    withServer(
        (ipc, c) -> {
          var before = c.stats(reg(SAMPLE));
          assertThat(before.count()).isZero();
          assertThat(before.empty()).isTrue();
          c.sum(reg(SAMPLE), new long[] {5, 6});
          c.note(reg(SAMPLE), 77, reg(TestSystem.RANGE)); // oneway: no reply, nothing to wait for
          var after = c.stats(reg(SAMPLE));
          assertThat(after.count()).isEqualTo(2);
          assertThat(after.total()).isEqualTo(11);
          assertThat(after.empty()).isFalse();
          var last = c.lastNote(reg(SAMPLE), reg(INTO1));
          assertThat(last.result()).isEqualTo(77);
          assertThat(last.c()).isEqualTo(reg(INTO1));
          DiscrimClient discrim = new DiscrimClient(new Ipc(ipc.sys()));
          assertThat(discrim.compare(reg(TestSystem.DISCRIM), reg(INTO1), reg(TestSystem.RANGE)))
              .isTrue();
        });
  }

  @Test
  void everyExceptionKindArrivesAsItsOwnClass() throws Exception {
    withServer(
        (ipc, c) -> {
          assertThatThrownBy(() -> c.fail(reg(SAMPLE), 0))
              .isInstanceOf(SampleBusyException.class)
              .extracting(e -> ((KernelException) e).code())
              .isEqualTo(SampleBusyException.CODE);
          assertThatThrownBy(() -> c.fail(reg(SAMPLE), 1))
              .isInstanceOf(RefusedException.class)
              .hasMessage("sample.Refused");
          assertThatThrownBy(() -> c.fail(reg(SAMPLE), 2))
              .isInstanceOfSatisfying(
                  SampleBadValueException.class,
                  e -> {
                    assertThat(e.value()).isEqualTo(-7);
                    assertThat(e.detail()).isEqualTo(0xFFFF_FFFF_FFFF_FFF0L);
                    assertThat(e.code()).isEqualTo(SampleCodes.RC_BadValue);
                  });
          assertThat(ipc.w[ParameterBlock.ICW] & jackal.kernel.api.Icw.LDW_MASK)
              .as("the fields came in words 2 and 3")
              .isEqualTo(jackal.kernel.api.Icw.makeLdw(3));
          assertThatThrownBy(() -> c.fail(reg(SAMPLE), 3)).isInstanceOf(CapNoAccessException.class);
          assertThatThrownBy(() -> c.fail(reg(SAMPLE), 4))
              .isExactlyInstanceOf(KernelException.class)
              .extracting(e -> ((KernelException) e).code())
              .isEqualTo(0x1234L);
          c.fail(reg(SAMPLE), 5); // no exception at all
        });
  }

  @Test
  void aRuntimeExceptionInTheImplementationIsAnsweredRequestErrorAndTheServerGoesOn()
      throws Exception {
    withServer(
        (ipc, c) -> {
          assertThatThrownBy(() -> c.fail(reg(SAMPLE), 6))
              .isInstanceOf(KernelException.class)
              .extracting(e -> ((KernelException) e).code())
              .isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThatThrownBy(() -> c.fail(reg(SAMPLE), 7))
              .isInstanceOf(KernelException.class)
              .extracting(e -> ((KernelException) e).code())
              .isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(c.flip(reg(SAMPLE), true)).as("the server still serves").isFalse();
          assertThat(c.stats(reg(SAMPLE)).count()).as("both failed calls reached it").isEqualTo(3);
        });
  }

  @Test
  void nineDataWordsEachWayTravelPartlyInTheString() throws Exception {
    withServer(
        (ipc, c) -> {
          var r =
              c.nine(
                  reg(SAMPLE), 1, -2, 3, Long.MIN_VALUE, 5, Long.MAX_VALUE, -7, 0xABCD_0000, 2.5);
          assertThat(List.of(r.b1(), r.b2(), r.b3(), r.b4(), r.b5(), r.b6()))
              .containsExactly(-1L, 2L, -3L, Long.MIN_VALUE, -5L, -Long.MAX_VALUE);
          assertThat(r.f()).isEqualTo(5.0);
          assertThat(r.q()).isEqualTo(0xABCD);
          assertThat(r.result()).isEqualTo(-21);
          assertThat(ipc.lastDataWord()).as("the reply filled the words").isEqualTo(7);
          assertThat(ipc.stringLength()).as("q and the result, 2 bytes each").isEqualTo(4);
          byte[] received = new byte[4]; // the reply's string lands in the client's area
          ipc.sys().read(AREA, received, 0, 4);
          assertThat(IdlBytes.get(received, 0, 2)).as("q at 0").isEqualTo(0xABCDL);
          assertThat((short) IdlBytes.get(received, 2, 2))
              .as("the result at 2")
              .isEqualTo((short) -21);
        });
  }

  @Test
  void aSequencePlusSixWordsEachWay() throws Exception {
    withServer(
        (ipc, c) -> {
          long[] values = {10, 20, 30, 1L << 50};
          var r = c.seqPlusSix(reg(SAMPLE), values, 1, 2, 3, 4, 5, 6);
          assertThat(List.of(r.y1(), r.y2(), r.y3(), r.y4(), r.y5()))
              .containsExactly(3L, 5L, 7L, 9L, 11L);
          assertThat(r.back()).containsExactly(1L << 50, 30, 20, 10);
          assertThat(r.result()).isEqualTo(60 + (1L << 50) + 21);
          assertThat(ipc.stringLength()).as("header, result, then 4 longs").isEqualTo(32 + 32);

          var empty = c.seqPlusSix(reg(SAMPLE), new long[0], 0, 0, 0, 0, 0, -1);
          assertThat(empty.back()).isEmpty();
          assertThat(empty.result()).isEqualTo(-1);
          assertThat(c.seqPlusSix(reg(SAMPLE), new long[16], 0, 0, 0, 0, 0, 0).back()).hasSize(16);
          assertThatThrownBy(() -> c.seqPlusSix(reg(SAMPLE), new long[17], 0, 0, 0, 0, 0, 0))
              .isInstanceOf(CapRequestErrorException.class);
        });
  }

  @Test
  void requestsWhoseStringDoesNotMatchTheLayoutAreRefused() throws Exception {
    withServer(
        (ipc, c) -> {
          long[] w = ipc.w;
          // nine without its string: the words alone do not make the request.
          w[1] = SampleCodes.OC_nine;
          assertThat(ipc.call(reg(SAMPLE), 7, 0, -1)).as("no string").isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          // nine with a string one byte short of c, d and e.
          w[1] = SampleCodes.OC_nine;
          assertThat(ipc.string(AREA, 15).call(reg(SAMPLE), 7, 0, -1)).as("short").isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          // seqPlusSix whose header claims more longs than the string holds after x4..x6.
          ipc.sys().write(AREA, new byte[24 + 16], 0, 40);
          w[1] = SampleCodes.OC_seqPlusSix;
          w[2] = 16;
          w[3] = 3; // three longs claimed, two sent
          w[4] = AREA + 24;
          assertThat(ipc.string(AREA, 40).call(reg(SAMPLE), 7, 0, -1))
              .as("header longer than the bytes")
              .isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          // seqPlusSix whose string stops inside x4..x6.
          w[1] = SampleCodes.OC_seqPlusSix;
          w[3] = 0;
          assertThat(ipc.string(AREA, 16).call(reg(SAMPLE), 7, 0, -1))
              .as("string shorter than the values laid into it")
              .isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(c.stats(reg(SAMPLE)).count()).as("none reached the service").isZero();
        });
  }

  @Test
  void getTypeAnswersTheInterfaceTypeUnlessOverriddenAndSubInterfacesServeInheritedMethods()
      throws Exception {
    withServer(
        (ipc, c) -> {
          CapClient cap = new CapClient(ipc);
          assertThat(cap.getType(reg(SAMPLE))).isEqualTo(SampleCodes.IKT);
          assertThat(cap.getType(reg(SUB))).isEqualTo(SampleService.Sub.CUSTOM_TYPE);
          assertThat(SubSampleCodes.IKT).isNotEqualTo(SampleCodes.IKT);
          SubSampleClient sub = new SubSampleClient(ipc).stringArea(AREA, AREA_SIZE);
          assertThat(sub.extra(reg(SUB), 14)).isEqualTo(42);
          assertThat(sub.greet(reg(SUB), "sub")).isEqualTo("Hello, sub!");
          assertThatThrownBy(() -> sub.extra(reg(SAMPLE), 1))
              .as("Sample does not have SubSample's method")
              .isInstanceOf(jackal.runtime.idl.coyotos.CapUnknownRequestException.class);
        });
  }

  @Test
  void unknownOpcodesAndMalformedRequestsAreRefused() throws Exception {
    withServer(
        (ipc, c) -> {
          long[] w = ipc.w;
          w[1] = 0x12345678;
          assertThat(ipc.call(reg(SAMPLE), 1, 0, -1)).isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_UNKNOWN_REQUEST);

          w[1] = SampleCodes.OC_flip; // flip takes one word after the opcode
          assertThat(ipc.call(reg(SAMPLE), 1, 0, -1)).as("ldw too small").isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          w[1] = SampleCodes.OC_flip;
          assertThat(ipc.call(reg(SAMPLE), 3, 0, -1)).as("ldw too large").isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          w[1] = SampleCodes.OC_flip;
          assertThat(ipc.capArg(1, reg(CapReg.SELF)).call(reg(SAMPLE), 2, 1, -1))
              .as("a capability too many")
              .isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          w[1] = SampleCodes.OC_swap; // swap takes two capabilities
          assertThat(ipc.capArg(1, reg(CapReg.SELF)).call(reg(SAMPLE), 1, 1, -1))
              .as("a capability missing")
              .isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);

          ipc.sys().write(AREA, "hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
          w[1] = SampleCodes.OC_upper;
          w[2] = 64;
          w[3] = 3; // the header says 3 bytes, the string has 5
          w[4] = AREA;
          assertThat(ipc.string(AREA, 5).call(reg(SAMPLE), 4, 0, -1))
              .as("string longer than its header")
              .isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          w[1] = SampleCodes.OC_flip;
          w[2] = 1;
          assertThat(ipc.string(AREA, 5).call(reg(SAMPLE), 2, 0, -1))
              .as("a string to a method without one")
              .isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);

          w[1] = SampleCodes.OC_flip;
          w[2] = 1;
          ipc.send(
              reg(SAMPLE), 2, -1, true); // no SC, so no reply capability: dropped, as in Coyotos
          assertThat(c.flip(reg(SAMPLE), true)).as("the server still serves").isFalse();
          assertThat(c.stats(reg(SAMPLE)).count())
              .as("only the well-formed flip reached the service")
              .isEqualTo(1);
        });
  }
}
