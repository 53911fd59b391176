package jackal.services.bank;

import static jackal.services.bank.BankSystem.reg;
import static jackal.services.bank.SpaceBankTest.A;
import static jackal.services.bank.SpaceBankTest.B;
import static jackal.services.bank.SpaceBankTest.C;
import static jackal.services.bank.SpaceBankTest.D;
import static jackal.services.bank.SpaceBankTest.E;
import static jackal.services.bank.SpaceBankTest.GPT;
import static jackal.services.bank.SpaceBankTest.NONE;
import static jackal.services.bank.SpaceBankTest.PAGE;
import static jackal.services.bank.SpaceBankTest.PRIME;
import static jackal.services.bank.SpaceBankTest.code;
import static jackal.services.bank.SpaceBankTest.fill;
import static jackal.services.bank.SpaceBankTest.typeOf;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.SpaceBankCodes.restrictions;
import jackal.services.idl.coyotos.SpaceBankLimits;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Bank capabilities in the hands of an attacker: restricted, forged, misused. */
class SpaceBankAttackTest {
  static final long NO_ACCESS = Codes.RC_NO_ACCESS;
  static final long REQUEST_ERROR = Codes.RC_REQUEST_ERROR;

  /**
   * A child bank in A with a page allocated from it in B, and in C the same bank reduced by {@code
   * restr}: the attacker's capability.
   */
  static void restricted(BankSystem.Client c, int restr) throws Exception {
    c.bank.createChild(PRIME, reg(A));
    c.bank.alloc(reg(A), PAGE, NONE, NONE, reg(B), reg(0), reg(0));
    c.bank.reduce(reg(A), restr, reg(C));
  }

  @Test
  void noAllocRefusesAllocAllocProcessAndCreateChild() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            restricted(c, restrictions.noAlloc);
            SpaceBankClient bank = c.bank;
            assertThat(code(() -> bank.alloc(reg(C), PAGE, NONE, NONE, reg(D), reg(0), reg(0))))
                .isEqualTo(NO_ACCESS);
            assertThat(code(() -> bank.allocProcess(reg(C), reg(0), reg(D)))).isEqualTo(NO_ACCESS);
            assertThat(code(() -> bank.createChild(reg(C), reg(D)))).isEqualTo(NO_ACCESS);
            assertThat(bank.getUsage(reg(A)).byType()).containsExactly(1, 0, 0, 0, 0);
          });
    }
  }

  @Test
  void noFreeRefusesFree() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            restricted(c, restrictions.noFree);
            assertThat(code(() -> c.bank.free(reg(C), 1, reg(B), reg(0), reg(0))))
                .isEqualTo(NO_ACCESS);
            assertThat(typeOf(c, B)).isEqualTo(PAGE);
          });
    }
  }

  @Test
  void noDestroyRefusesDestroyDestroyBankAndReturnAndRemove() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            restricted(c, restrictions.noDestroy);
            SpaceBankClient bank = c.bank;
            assertThat(code(() -> bank.destroy(reg(C)))).isEqualTo(NO_ACCESS);
            assertThat(code(() -> bank.destroyBankAndReturn(reg(C), reg(0), Codes.RC_OK)))
                .isEqualTo(NO_ACCESS);
            assertThat(code(() -> bank.remove(reg(C)))).isEqualTo(NO_ACCESS);
            assertThat(typeOf(c, B)).isEqualTo(PAGE);
          });
    }
  }

  @Test
  void noQueryLimitsRefusesEveryGetter() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            restricted(c, restrictions.noQueryLimits);
            SpaceBankClient bank = c.bank;
            assertThat(code(() -> bank.getLimits(reg(C)))).isEqualTo(NO_ACCESS);
            assertThat(code(() -> bank.getUsage(reg(C)))).isEqualTo(NO_ACCESS);
            assertThat(code(() -> bank.getEffectiveLimits(reg(C)))).isEqualTo(NO_ACCESS);
          });
    }
  }

  @Test
  void noChangeLimitsRefusesSetLimits() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            restricted(c, restrictions.noChangeLimits);
            assertThat(code(() -> c.bank.setLimits(reg(C), new SpaceBankLimits(fill(-1)))))
                .isEqualTo(NO_ACCESS);
            long[] tight = fill(-1);
            tight[GPT] = 0;
            assertThat(code(() -> c.bank.setLimits(reg(C), new SpaceBankLimits(tight))))
                .isEqualTo(NO_ACCESS);
            assertThat(c.bank.getLimits(reg(A)).byType()).containsExactly(fill(-1));
          });
    }
  }

  @Test
  void noRemoveRefusesRemoveButNotDestroy() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            restricted(c, restrictions.noRemove);
            assertThat(code(() -> c.bank.remove(reg(C)))).isEqualTo(NO_ACCESS);
            assertThat(typeOf(c, B)).isEqualTo(PAGE);
            c.bank.destroy(reg(C));
            assertThat(typeOf(c, B)).isEqualTo(NONE);
          });
    }
  }

  @Test
  void reduceOnlyAddsRestrictionsAndRefusesUnknownBits() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            restricted(c, restrictions.noFree);
            // Reducing by nothing gives back no authority the capability lacked.
            c.bank.reduce(reg(C), 0, reg(D));
            assertThat(code(() -> c.bank.free(reg(D), 1, reg(B), reg(0), reg(0))))
                .isEqualTo(NO_ACCESS);
            assertThat(code(() -> c.bank.reduce(reg(C), 64, reg(E)))).isEqualTo(REQUEST_ERROR);
          });
    }
  }

  @Test
  void freeRefusesBadCounts() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            restricted(c, 0);
            for (int count : new int[] {0, 4, -1, Integer.MAX_VALUE}) {
              assertThat(code(() -> c.bank.free(reg(A), count, reg(B), reg(B), reg(B))))
                  .as("count %d", count)
                  .isEqualTo(REQUEST_ERROR);
            }
            // The same object twice is not two objects.
            assertThat(code(() -> c.bank.free(reg(A), 2, reg(B), reg(B), reg(0))))
                .isEqualTo(REQUEST_ERROR);
            assertThat(typeOf(c, B)).isEqualTo(PAGE);
            assertThat(c.bank.getUsage(reg(A)).byType()[PAGE]).isEqualTo(1);
          });
    }
  }

  @Test
  void allocRefusesAnObjectTypeThatDoesNotExist() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            assertThat(code(() -> c.bank.alloc(PRIME, 5, NONE, NONE, reg(A), reg(0), reg(0))))
                .isEqualTo(REQUEST_ERROR);
            assertThat(code(() -> c.bank.alloc(PRIME, PAGE, -2, NONE, reg(A), reg(0), reg(0))))
                .isEqualTo(REQUEST_ERROR);
            assertThat(c.bank.getUsage(PRIME).byType()).containsExactly(0, 0, 0, 0, 0);
          });
    }
  }

  @Test
  void aBankRefusesToFreeAnotherBanksObjectAndAllOfTheRequestFails() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            c.bank.createChild(PRIME, reg(A));
            c.bank.createChild(PRIME, reg(B));
            c.bank.alloc(reg(A), PAGE, NONE, NONE, reg(C), reg(0), reg(0));
            c.bank.alloc(reg(B), PAGE, NONE, NONE, reg(D), reg(0), reg(0));
            assertThat(code(() -> c.bank.free(reg(B), 2, reg(D), reg(C), reg(0))))
                .isEqualTo(REQUEST_ERROR);
            assertThat(typeOf(c, C)).isEqualTo(PAGE);
            assertThat(typeOf(c, D)).isEqualTo(PAGE);
            // Not even the parent may free its child's object: ownership is exact.
            assertThat(code(() -> c.bank.free(PRIME, 1, reg(C), reg(0), reg(0))))
                .isEqualTo(REQUEST_ERROR);
            // Nor an object the image built, which no bank owns.
            assertThat(code(() -> c.bank.free(PRIME, 1, reg(CapReg.SELF), reg(0), reg(0))))
                .isEqualTo(REQUEST_ERROR);
          });
    }
  }

  @Test
  void aForgedBankIsNotVerifiedAndARealOneIsWhateverItsRestrictions() throws Exception {
    try (BankSystem s = new BankSystem()) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      ObjectRef attacker =
          s.client(
              "forger",
              c -> {
                c.bank.createChild(PRIME, reg(A));
                c.bank.reduce(reg(A), 63, reg(B));
                assertThat(c.bank.verifyBank(PRIME, reg(A))).isTrue();
                assertThat(c.bank.verifyBank(PRIME, reg(B))).isTrue();
                assertThat(c.bank.verifyBank(reg(B), PRIME)).isTrue();
                // An Entry to the attacker's own endpoint, with the ID of a real bank.
                assertThat(c.bank.verifyBank(PRIME, reg(C))).isFalse();
                assertThat(c.bank.verifyBank(PRIME, reg(0))).isFalse();
                assertThat(c.bank.verifyBank(PRIME, reg(CapReg.SELF))).isFalse();
                c.bank.destroy(reg(A));
                assertThat(c.bank.verifyBank(PRIME, reg(B))).isFalse();
              },
              failure);
      ObjectRef fake = s.k.newEndpoint();
      s.k.setRecipient(fake, attacker);
      s.k.setEndpointId(fake, s.prime.endpoint().oid() + 1);
      s.k.setCapReg(attacker, C, s.k.entry(fake, 0));
      s.start(attacker);
      BankSystem.rethrow(failure);
      assertThat(s.k.inspect(attacker).exited()).isTrue();
    }
  }

  @Test
  void aCallerThatNeverTakesItsReplyDoesNotStallTheBank() throws Exception {
    try (BankSystem s = new BankSystem()) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      ObjectRef rude =
          s.client(
              "rude",
              c -> {
                // A request with a reply capability, sent without waiting for the reply; then the
                // caller stops receiving for good (it exits).
                for (int i = 0; i < 3; i++) {
                  c.ipc.w[1] =
                      jackal.services.idl.coyotos.SpaceBankCodes.OC_getUsage & 0xFFFF_FFFFL;
                  c.ipc.w[ParameterBlock.ICW] =
                      Syscall.INVOKE_CAP
                          | Icw.makeLdw(1)
                          | Icw.SP
                          | Icw.SC
                          | Icw.RC
                          | Icw.makeLsc(0);
                  c.ipc.w[ParameterBlock.INVCAP] = PRIME;
                  c.ipc.w[ParameterBlock.SNDCAP] = reg(CapReg.REPLYEPT);
                  c.ipc.w[ParameterBlock.SNDLEN] = 0;
                  c.sys.trap(c.ipc.pb);
                }
              },
              failure);
      ObjectRef honest =
          s.client(
              "honest",
              c -> {
                for (int i = 0; i < 20; i++) {
                  c.bank.alloc(PRIME, PAGE, NONE, NONE, reg(A), reg(0), reg(0));
                  c.bank.free(PRIME, 1, reg(A), reg(0), reg(0));
                }
                assertThat(c.bank.getUsage(PRIME).byType()).containsExactly(0, 0, 0, 0, 0);
              },
              failure);
      s.start(rude, honest);
      BankSystem.rethrow(failure);
      assertThat(s.k.inspect(rude).exited()).isTrue();
      assertThat(s.k.inspect(honest).exited()).isTrue();
    }
  }
}
