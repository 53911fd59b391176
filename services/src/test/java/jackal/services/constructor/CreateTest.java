package jackal.services.constructor;

import static jackal.services.constructor.Calls.code;
import static jackal.services.constructor.ConstructorSystem.A;
import static jackal.services.constructor.ConstructorSystem.B;
import static jackal.services.constructor.ConstructorSystem.C;
import static jackal.services.constructor.ConstructorSystem.D;
import static jackal.services.constructor.ConstructorSystem.DISCRIM;
import static jackal.services.constructor.ConstructorSystem.E;
import static jackal.services.constructor.ConstructorSystem.F;
import static jackal.services.constructor.ConstructorSystem.HAND_BUILT;
import static jackal.services.constructor.ConstructorSystem.PRIME;
import static jackal.services.constructor.ConstructorSystem.SCHED;
import static jackal.services.constructor.ConstructorSystem.WRITABLE_PAGE;
import static jackal.services.constructor.ConstructorSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.runtime.CapReg;
import jackal.services.idl.coyotos.SpaceBankLimitReachedException;
import jackal.services.idl.coyotos.SpaceBankLimits;
import org.junit.jupiter.api.Test;

/** create: what it builds on the caller's bank, and that a failure leaves nothing behind. */
class CreateTest {
  private static final long NULL = reg(CapReg.NULL);

  private static long[] noLimits() {
    return new long[] {-1, -1, -1, -1, -1};
  }

  @Test
  void theYieldIsBuiltOnTheCallersBank() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            c.newBank(C);
            c.con.create(reg(B), reg(C), reg(SCHED), NULL, reg(D));
            // One process and its two endpoints (INITEPT and the reply endpoint).
            assertThat(c.bank.getUsage(reg(C)).byType()[Codes.OT_PROCESS]).isEqualTo(1);
            assertThat(c.bank.getUsage(reg(C)).byType()[Codes.OT_ENDPOINT]).isEqualTo(2);
            // Destroying the bank destroys the yield.
            c.bank.destroy(reg(C));
            assertThat(c.discrim.classify(reg(DISCRIM), reg(D))).isEqualTo(Codes.CL_NULL);
          });
    }
  }

  @Test
  void createOnABankThatRunsOutPartWayLeavesNothingBehind() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            long[] before = c.bank.getUsage(PRIME).byType();
            c.newBank(C);
            long[] lim = noLimits();
            lim[Codes.OT_ENDPOINT] = 1; // the process fits, its two endpoints do not
            c.bank.setLimits(reg(C), new SpaceBankLimits(lim));
            assertThat(code(() -> c.con.create(reg(B), reg(C), reg(SCHED), NULL, reg(D))))
                .isEqualTo(SpaceBankLimitReachedException.CODE);
            assertThat(c.discrim.classify(reg(DISCRIM), reg(C)))
                .as("the bank was destroyed")
                .isEqualTo(Codes.CL_NULL);
            assertThat(c.bank.getUsage(PRIME).byType()).containsExactly(before);
          });
    }
  }

  @Test
  void createOnABankWithNoRoomForTheProcessDestroysTheBank() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            long[] before = c.bank.getUsage(PRIME).byType();
            c.newBank(C);
            long[] lim = noLimits();
            lim[Codes.OT_PROCESS] = 0;
            c.bank.setLimits(reg(C), new SpaceBankLimits(lim));
            assertThat(code(() -> c.con.create(reg(B), reg(C), reg(SCHED), NULL, reg(D))))
                .isEqualTo(SpaceBankLimitReachedException.CODE);
            assertThat(c.discrim.classify(reg(DISCRIM), reg(C))).isEqualTo(Codes.CL_NULL);
            assertThat(c.bank.getUsage(PRIME).byType()).containsExactly(before);
          });
    }
  }

  @Test
  void aNewConstructorThatCannotSetItselfUpDestroysItsBankAndAnswersTheError() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            long[] before = c.bank.getUsage(PRIME).byType();
            c.newBank(C);
            long[] lim = noLimits();
            lim[Codes.OT_CAP_PAGE] = 0; // the constructor process fits, its tools page does not
            c.bank.setLimits(reg(C), new SpaceBankLimits(lim));
            assertThat(
                    code(
                        () ->
                            c.con.create(
                                reg(ConstructorSystem.METACON), reg(C), reg(SCHED), NULL, reg(D))))
                .isEqualTo(SpaceBankLimitReachedException.CODE);
            assertThat(c.discrim.classify(reg(DISCRIM), reg(C))).isEqualTo(Codes.CL_NULL);
            assertThat(c.bank.getUsage(PRIME).byType()).containsExactly(before);
          });
    }
  }

  @Test
  void createWithSomethingThatIsNotABankIsRefused() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            long[] before = c.bank.getUsage(PRIME).byType();
            for (int notABank : new int[] {WRITABLE_PAGE, HAND_BUILT, A, CapReg.NULL}) {
              assertThat(code(() -> c.con.create(reg(B), reg(notABank), reg(SCHED), NULL, reg(D))))
                  .as("register %d", notABank)
                  .isEqualTo(Codes.RC_REQUEST_ERROR);
            }
            assertThat(c.bank.getUsage(PRIME).byType()).containsExactly(before);
            assertThat(c.echo(HAND_BUILT, 1))
                .as("the hand-built process was not touched")
                .isEqualTo(2);
          });
    }
  }

  @Test
  void aHandlerGivenAsAConstructorIsBuiltOnTheSameBank() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(C, D); // the handler's constructor
            c.newBuilder(A);
            c.con.setSpace(reg(A), reg(ConstructorSystem.ECHO_SPACE));
            c.con.setPC(reg(A), c.echoPc);
            c.con.setHandler(reg(A), reg(C));
            c.con.seal(reg(A), reg(B));
            assertThat(c.con.isYieldConfined(reg(B))).isTrue();
            c.newBank(E);
            c.con.create(reg(B), reg(E), reg(SCHED), NULL, reg(F));
            assertThat(c.echo(F, 6)).isEqualTo(7);
            // The yield and its handler: two processes, four endpoints.
            assertThat(c.bank.getUsage(reg(E)).byType()[Codes.OT_PROCESS]).isEqualTo(2);
            assertThat(c.bank.getUsage(reg(E)).byType()[Codes.OT_ENDPOINT]).isEqualTo(4);
          });
    }
  }

  @Test
  void aSpaceGivenAsAConstructorIsBuiltAndAskedForTheSpace() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.spaceYieldConstructor(C, D);
            c.newBuilder(A);
            c.con.setSpace(reg(A), reg(C));
            c.con.setPC(reg(A), c.echoPc);
            c.con.seal(reg(A), reg(B));
            c.newBank(E);
            c.con.create(reg(B), reg(E), reg(SCHED), NULL, reg(F));
            assertThat(c.echo(F, 10))
                .as("the yield runs the space its space handler gave")
                .isEqualTo(11);
            assertThat(c.bank.getUsage(reg(E)).byType()[Codes.OT_PROCESS]).isEqualTo(2);
          });
    }
  }

  @Test
  void aFailingSpaceConstructorDestroysTheBankAndLeavesNothing() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.spaceYieldConstructor(C, D);
            c.newBuilder(A);
            c.con.setSpace(reg(A), reg(C));
            c.con.setPC(reg(A), c.echoPc);
            c.con.seal(reg(A), reg(B));
            long[] before = c.bank.getUsage(PRIME).byType();
            c.newBank(E);
            long[] lim = noLimits();
            lim[Codes.OT_PROCESS] = 1; // the yield fits, the space handler does not
            c.bank.setLimits(reg(E), new SpaceBankLimits(lim));
            assertThat(code(() -> c.con.create(reg(B), reg(E), reg(SCHED), NULL, reg(F))))
                .isEqualTo(SpaceBankLimitReachedException.CODE);
            assertThat(c.discrim.classify(reg(DISCRIM), reg(E))).isEqualTo(Codes.CL_NULL);
            assertThat(c.bank.getUsage(PRIME).byType()).containsExactly(before);
          });
    }
  }
}
