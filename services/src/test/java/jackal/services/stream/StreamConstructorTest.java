package jackal.services.stream;

import static jackal.services.stream.StreamSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.boot.MetaConstructor;
import jackal.services.boot.SpaceServerImage;
import jackal.services.boot.StreamConstructor;
import jackal.services.boot.StreamServer;
import jackal.services.idl.coyotos.ConstructorClient;
import jackal.services.idl.coyotos.DiscrimClient;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.SpaceBankLimitReachedException;
import jackal.services.idl.coyotos.SpaceBankLimits;
import jackal.services.idl.coyotos.VerifierClient;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The stream constructors: a stream built by {@code create} on the caller's bank, in a
 * copy-on-write space of its own, recognised by the constructor's verifier and gone with its bank.
 */
class StreamConstructorTest {
  static final int ZEROS = CapReg.APP0;
  static final int NULLS = CapReg.APP0 + 1;
  static final int HAND_BUILT = CapReg.APP0 + 2;
  static final int SCHED = CapReg.APP0 + 3;
  static final int DISCRIM = CapReg.APP0 + 4;
  static final int BANK1 = CapReg.APP0 + 5;
  static final int BANK2 = CapReg.APP0 + 6;
  // APP0 + 7 is the IoStreams library's channel register.
  static final int S1 = CapReg.APP0 + 8;
  static final int S2 = CapReg.APP0 + 9;
  static final int VERIFIER = CapReg.APP0 + 10;
  static final long PRIME = reg(CapReg.SPACEBANK);
  static final long NULL = reg(CapReg.NULL);

  /** Calls a client makes besides the stream's. */
  record Calls(
      SpaceBankClient bank, ConstructorClient con, VerifierClient verifier, DiscrimClient discrim) {
    Calls(Ipc ipc) {
      this(
          new SpaceBankClient(ipc),
          new ConstructorClient(ipc),
          new VerifierClient(ipc),
          new DiscrimClient(ipc));
    }

    void create(int constructor, int bank, int into) throws KernelException {
      con.create(reg(constructor), reg(bank), reg(SCHED), NULL, reg(into));
    }
  }

  /**
   * Boots both stream constructors, a hand-built Zero stream and one client running {@code body}.
   */
  static void withConstructors(StreamSystem.Scenario body) throws Exception {
    try (StreamSystem s = new StreamSystem()) {
      MetaConstructor meta = MetaConstructor.build(s.k, s.runtime, s.prime);
      s.serve(meta.process());
      var servers = SpaceServerImage.segment(s.k);
      StreamConstructor zeros = StreamConstructor.zeroStreams(s.k, s.runtime, servers, meta);
      StreamConstructor nulls = StreamConstructor.nullStreams(s.k, s.runtime, servers, meta);
      zeros.processes().forEach(s::serve);
      nulls.processes().forEach(s::serve);
      StreamServer hand = StreamServer.zeroStream(s.k, s.runtime).bank(s.prime.entry());
      s.serve(hand.process());
      ObjectRef c = s.client("client", body);
      s.k.setCapReg(c, ZEROS, zeros.entry());
      s.k.setCapReg(c, NULLS, nulls.entry());
      s.k.setCapReg(c, HAND_BUILT, hand.entry());
      s.k.setCapReg(c, SCHED, s.k.kernelCap(KernelService.SCHEDULE));
      s.k.setCapReg(c, DISCRIM, s.k.kernelCap(KernelService.DISCRIM));
      s.boot();
    }
  }

  static long code(BlankStreamTest.Call call) {
    return BlankStreamTest.code(call);
  }

  @Test
  void createBuildsAStreamOnTheCallersBankThatTheVerifierRecognises() throws Exception {
    withConstructors(
        c -> {
          Calls k = new Calls(c.ipc);
          k.bank().createChild(PRIME, reg(BANK1));
          k.create(ZEROS, BANK1, S1);
          assertThat(c.streams.read(reg(S1), 4096)).hasSize(4096).containsOnly(0);
          assertThat(c.streams.write(reg(S1), new byte[4096])).isEqualTo(4096);
          // The stream and the server of its copy-on-write space, with their endpoints.
          long[] used = k.bank().getUsage(reg(BANK1)).byType();
          assertThat(used[Codes.OT_PROCESS]).isEqualTo(2);
          assertThat(used[Codes.OT_ENDPOINT]).isEqualTo(4);
          k.con().getVerifier(reg(ZEROS), reg(VERIFIER));
          assertThat(k.verifier().verifyYield(reg(VERIFIER), reg(S1))).isTrue();
          assertThat(k.con().isYieldConfined(reg(ZEROS))).isTrue();
          assertThat(k.con().isYieldConfined(reg(NULLS))).isTrue();
        });
  }

  @Test
  void theVerifierDoesNotRecogniseAStreamBuiltByHandOrByTheOtherConstructor() throws Exception {
    withConstructors(
        c -> {
          Calls k = new Calls(c.ipc);
          k.bank().createChild(PRIME, reg(BANK1));
          k.create(NULLS, BANK1, S1);
          assertThat(c.streams.read(reg(S1), 4096)).isEmpty();
          k.con().getVerifier(reg(ZEROS), reg(VERIFIER));
          assertThat(k.verifier().verifyYield(reg(VERIFIER), reg(HAND_BUILT))).isFalse();
          assertThat(k.verifier().verifyYield(reg(VERIFIER), reg(S1))).isFalse();
          // The stream built by hand works, but nothing vouches for it.
          assertThat(c.streams.read(reg(HAND_BUILT), 3)).hasSize(3);
        });
  }

  @Test
  void twoStreamsAreSeparateAndDestroyingOneBankTakesOnlyItsStream() throws Exception {
    withConstructors(
        c -> {
          Calls k = new Calls(c.ipc);
          k.bank().createChild(PRIME, reg(BANK1));
          k.bank().createChild(PRIME, reg(BANK2));
          k.create(ZEROS, BANK1, S1);
          k.create(ZEROS, BANK2, S2);
          byte[] ones = new byte[4096];
          Arrays.fill(ones, (byte) 0xFF);
          // A large write lands in each stream's receive buffer: the other's reads stay zero.
          assertThat(c.streams.write(reg(S1), ones)).isEqualTo(4096);
          assertThat(c.streams.read(reg(S2), 4096)).containsOnly(0);
          k.bank().destroy(reg(BANK1));
          assertThat(code(() -> c.streams.read(reg(S1), 1))).isNotZero();
          assertThat(c.streams.read(reg(S2), 5)).hasSize(5).containsOnly(0);
        });
  }

  @Test
  void aStreamsDestroyGivesItsBankBack() throws Exception {
    withConstructors(
        c -> {
          Calls k = new Calls(c.ipc);
          long[] before = k.bank().getUsage(PRIME).byType();
          k.bank().createChild(PRIME, reg(BANK1));
          k.create(NULLS, BANK1, S1);
          c.stream.destroy(reg(S1));
          assertThat(k.discrim().classify(reg(DISCRIM), reg(BANK1))).isEqualTo(Codes.CL_NULL);
          assertThat(k.bank().getUsage(PRIME).byType()).containsExactly(before);
        });
  }

  @Test
  void createOnABankWithRoomForTheSpaceServerButNotTheStreamLeavesNothing() throws Exception {
    withConstructors(
        c -> {
          Calls k = new Calls(c.ipc);
          long[] before = k.bank().getUsage(PRIME).byType();
          k.bank().createChild(PRIME, reg(BANK1));
          long[] lim = new long[before.length];
          Arrays.fill(lim, -1);
          lim[Codes.OT_PROCESS] = 1; // the stream's process fits; its space's server does not
          k.bank().setLimits(reg(BANK1), new SpaceBankLimits(lim));
          assertThat(code(() -> k.create(ZEROS, BANK1, S1)))
              .isEqualTo(SpaceBankLimitReachedException.CODE);
          assertThat(k.discrim().classify(reg(DISCRIM), reg(BANK1)))
              .as("the bank was destroyed")
              .isEqualTo(Codes.CL_NULL);
          assertThat(k.bank().getUsage(PRIME).byType()).containsExactly(before);
        });
  }

  @Test
  void createWithAStreamInPlaceOfABankIsRefusedAndBuildsNothing() throws Exception {
    withConstructors(
        c -> {
          Calls k = new Calls(c.ipc);
          long[] before = k.bank().getUsage(PRIME).byType();
          assertThat(code(() -> k.create(ZEROS, HAND_BUILT, S1))).isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(k.bank().getUsage(PRIME).byType()).containsExactly(before);
          assertThat(c.streams.read(reg(HAND_BUILT), 1)).hasSize(1);
        });
  }
}
