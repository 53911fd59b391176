package jackal.services.bank;

import static jackal.services.bank.BankSystem.RANGE;
import static jackal.services.bank.BankSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.SpaceBankCodes;
import jackal.services.idl.coyotos.SpaceBankLimitReachedException;
import jackal.services.idl.coyotos.SpaceBankLimits;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The space bank's interface, served by the bank program loaded from pages. */
class SpaceBankTest {
  static final int PAGE = Codes.OT_PAGE;
  static final int CAP_PAGE = Codes.OT_CAP_PAGE;
  static final int GPT = Codes.OT_GPT;
  static final int PROCESS = Codes.OT_PROCESS;
  static final int ENDPOINT = Codes.OT_ENDPOINT;
  static final int NONE = (int) Codes.OT_INVALID;
  static final long PRIME = reg(CapReg.SPACEBANK);
  static final long LIMIT_REACHED = SpaceBankLimitReachedException.CODE;

  static final int A = CapReg.APP0; // caps the scenarios keep
  static final int B = CapReg.APP0 + 1;
  static final int C = CapReg.APP0 + 2;
  static final int D = CapReg.APP0 + 3;
  static final int E = CapReg.APP0 + 4;

  @FunctionalInterface
  interface Call {
    void run() throws KernelException;
  }

  /** The exception code {@code call} raised, or 0 if it succeeded. */
  static long code(Call call) {
    try {
      call.run();
      return 0;
    } catch (KernelException e) {
      return e.code();
    }
  }

  static long[] fill(long v) {
    return new long[] {v, v, v, v, v};
  }

  /** The type Range reports for the capability in register {@code r} (otInvalid once dead). */
  static int typeOf(BankSystem.Client c, int r) throws KernelException {
    return c.range.identify(reg(RANGE), reg(r)).type();
  }

  @Test
  void allocatedObjectsAreLiveAndCountedAgainstTheBankAndItsAncestors() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            SpaceBankClient bank = c.bank;
            bank.createChild(PRIME, reg(A));
            bank.alloc(reg(A), PAGE, GPT, NONE, reg(B), reg(C), reg(D));
            assertThat(typeOf(c, B)).isEqualTo(PAGE);
            assertThat(typeOf(c, C)).isEqualTo(GPT);
            assertThat(typeOf(c, D)).isEqualTo(NONE);
            assertThat(bank.getUsage(reg(A)).byType()).containsExactly(1, 0, 1, 0, 0);
            // The prime bank also counts the child's endpoint.
            assertThat(bank.getUsage(PRIME).byType()).containsExactly(1, 0, 1, 0, 1);
            assertThat(bank.getType(reg(A))).isEqualTo(SpaceBankCodes.IKT);
          });
    }
  }

  @Test
  void allocIsAllOrNothingWhenAnAncestorsLimitIsReached() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            SpaceBankClient bank = c.bank;
            bank.createChild(PRIME, reg(A));
            bank.createChild(reg(A), reg(B));
            long[] lim = fill(-1);
            lim[PAGE] = 2;
            bank.setLimits(reg(A), new SpaceBankLimits(lim));
            assertThat(code(() -> bank.alloc(reg(B), PAGE, PAGE, PAGE, reg(C), reg(D), reg(E))))
                .isEqualTo(LIMIT_REACHED);
            assertThat(bank.getUsage(reg(B)).byType()[PAGE]).isZero();
            assertThat(bank.getUsage(reg(A)).byType()[PAGE]).isZero();
            bank.alloc(reg(B), PAGE, PAGE, NONE, reg(C), reg(D), reg(E));
            assertThat(code(() -> bank.alloc(reg(B), PAGE, NONE, NONE, reg(E), reg(E), reg(E))))
                .isEqualTo(LIMIT_REACHED);
            assertThat(bank.getEffectiveLimits(reg(B)).byType()[PAGE]).isEqualTo(2);
            // A limit below what is in use is refused.
            long[] tight = fill(-1);
            tight[PAGE] = 1;
            assertThat(code(() -> bank.setLimits(reg(B), new SpaceBankLimits(tight))))
                .isEqualTo(LIMIT_REACHED);
          });
    }
  }

  @Test
  void freeRescindsTheObjectAndGivesTheRoomBack() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            SpaceBankClient bank = c.bank;
            bank.createChild(PRIME, reg(A));
            bank.alloc(reg(A), PAGE, CAP_PAGE, NONE, reg(B), reg(C), reg(D));
            bank.free(reg(A), 2, reg(B), reg(C), reg(0));
            assertThat(typeOf(c, B)).isEqualTo(NONE);
            assertThat(typeOf(c, C)).isEqualTo(NONE);
            assertThat(bank.getUsage(reg(A)).byType()).containsExactly(0, 0, 0, 0, 0);
          });
    }
  }

  @Test
  void allocProcessInstallsTheBrand() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            c.bank.allocProcess(PRIME, reg(CapReg.SELF), reg(A));
            assertThat(typeOf(c, A)).isEqualTo(PROCESS);
            // An Entry to an endpoint whose recipient is the new process carries SELF as brand.
            c.bank.alloc(PRIME, ENDPOINT, NONE, NONE, reg(B), reg(0), reg(0));
            var ep = new jackal.services.idl.coyotos.EndpointClient(c.ipc);
            ep.setRecipient(reg(B), reg(A));
            ep.makeEntryCap(reg(B), 0, reg(C));
            var proc = new jackal.services.idl.coyotos.ProcessClient(c.ipc);
            assertThat(proc.identifyEntryWithBrand(reg(A), reg(C), reg(CapReg.SELF)).result())
                .isTrue();
          });
    }
  }

  @Test
  void afterADestroyNoCapabilityToAnyOfItsObjectsWorks() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            SpaceBankClient bank = c.bank;
            bank.createChild(PRIME, reg(A));
            bank.createChild(reg(A), reg(B));
            bank.alloc(reg(A), PAGE, GPT, PROCESS, reg(C), reg(D), reg(E));
            bank.alloc(
                reg(B),
                CAP_PAGE,
                ENDPOINT,
                NONE,
                reg(CapReg.APP0 + 5),
                reg(CapReg.APP0 + 6),
                reg(0));
            bank.destroy(reg(A));
            for (int r : new int[] {C, D, E, CapReg.APP0 + 5, CapReg.APP0 + 6}) {
              assertThat(typeOf(c, r)).as("register %d", r).isEqualTo(NONE);
            }
            // Both banks are gone: their capabilities behave as Null.
            for (int r : new int[] {A, B}) {
              assertThat(bank.getType(reg(r))).isEqualTo(Codes.IKT_NULL);
              assertThat(code(() -> bank.getUsage(reg(r)))).isEqualTo(Codes.RC_UNKNOWN_REQUEST);
            }
            assertThat(bank.getUsage(PRIME).byType()).containsExactly(0, 0, 0, 0, 0);
          });
    }
  }

  @Test
  void removeGivesTheObjectsAndSubBanksToTheParent() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            SpaceBankClient bank = c.bank;
            bank.createChild(PRIME, reg(A));
            bank.createChild(reg(A), reg(B));
            bank.createChild(reg(B), reg(C));
            bank.alloc(reg(B), PAGE, NONE, NONE, reg(D), reg(0), reg(0));
            bank.remove(reg(B));
            assertThat(bank.getType(reg(B))).isEqualTo(Codes.IKT_NULL);
            assertThat(typeOf(c, D)).isEqualTo(PAGE);
            // A now owns the page and the grandchild: it may free one and allocate from the other.
            bank.free(reg(A), 1, reg(D), reg(0), reg(0));
            bank.alloc(reg(C), GPT, NONE, NONE, reg(E), reg(0), reg(0));
            assertThat(bank.getUsage(reg(A)).byType()).containsExactly(0, 0, 1, 0, 1);
          });
    }
  }

  @Test
  void thePrimeBankCannotBeDestroyedOrRemoved() throws Exception {
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            SpaceBankClient bank = c.bank;
            bank.alloc(PRIME, PAGE, NONE, NONE, reg(A), reg(0), reg(0));
            assertThat(code(() -> bank.destroy(PRIME))).isEqualTo(Codes.RC_NO_ACCESS);
            assertThat(code(() -> bank.remove(PRIME))).isEqualTo(Codes.RC_NO_ACCESS);
            assertThat(
                    code(() -> bank.destroyBankAndReturn(PRIME, reg(CapReg.REPLYEPT), Codes.RC_OK)))
                .isEqualTo(Codes.RC_NO_ACCESS);
            assertThat(typeOf(c, A)).isEqualTo(PAGE);
            bank.alloc(PRIME, PAGE, NONE, NONE, reg(B), reg(0), reg(0));
          });
    }
  }

  @Test
  void destroyBankAndReturnAnswersTheNamedReceiverWithTheResultCode() throws Exception {
    try (BankSystem s = new BankSystem()) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicReference<String> heard = new AtomicReference<>();
      ObjectRef ep = s.k.newEndpoint();
      // The waiter calls the destroyer and so is surely waiting when the bank answers (the bank's
      // answers are non-blocking: a receiver not yet waiting would lose it). The destroyer names
      // the waiter's reply capability as the receiver of destroyBankAndReturn's answer.
      ObjectRef waiter =
          s.client(
              "waiter",
              c -> {
                c.ipc.w[1] = 1;
                c.ipc.call(reg(C), 1, -1, -1);
                heard.set(c.ipc.isException() + " " + Long.toHexString(c.ipc.w[1]));
              },
              failure);
      ObjectRef client =
          s.client(
              "destroyer",
              c -> {
                c.bank.createChild(PRIME, reg(A));
                c.bank.alloc(reg(A), PAGE, NONE, NONE, reg(B), reg(0), reg(0));
                c.ipc.receive();
                assertThat(c.ipc.endpointId()).isEqualTo(7);
                // Sent, not called: the answer goes to the waiter, never to this process.
                c.ipc.w[1] = SpaceBankCodes.OC_destroyBankAndReturn & 0xFFFF_FFFFL;
                c.ipc.w[2] = Codes.RC_NO_ACCESS;
                c.ipc.w[ParameterBlock.SNDCAP] = reg(0);
                c.ipc.capArg(1, reg(CapReg.RETURN));
                c.ipc.send(reg(A), 2, 1, false);
                // The bank may run on the other CPU: give it the time it needs, not one yield.
                for (int i = 0; i < 100_000 && typeOf(c, B) != NONE; i++) {
                  c.ipc.yieldCpu();
                }
                assertThat(typeOf(c, B)).isEqualTo(NONE);
              },
              failure);
      s.k.setRecipient(ep, client);
      s.k.setEndpointId(ep, 7);
      s.k.setCapReg(waiter, C, s.k.entry(ep, 0));
      s.start(waiter, client);
      BankSystem.rethrow(failure);
      assertThat(heard.get()).isEqualTo("true " + Long.toHexString(Codes.RC_NO_ACCESS));
    }
  }
}
