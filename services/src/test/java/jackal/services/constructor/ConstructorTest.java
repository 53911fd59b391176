package jackal.services.constructor;

import static jackal.services.constructor.ConstructorSystem.A;
import static jackal.services.constructor.ConstructorSystem.B;
import static jackal.services.constructor.ConstructorSystem.C;
import static jackal.services.constructor.ConstructorSystem.CONSTRUCTOR_VERIFIER;
import static jackal.services.constructor.ConstructorSystem.D;
import static jackal.services.constructor.ConstructorSystem.METACON;
import static jackal.services.constructor.ConstructorSystem.SCHED;
import static jackal.services.constructor.ConstructorSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.runtime.CapReg;
import jackal.services.idl.coyotos.BuilderCodes;
import jackal.services.idl.coyotos.ConstructorCodes;
import org.junit.jupiter.api.Test;

/** The metaconstructor, the Builder, create and the yield, served by programs loaded from pages. */
class ConstructorTest {
  @Test
  void metaConstructorCreateGivesABuilder() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.newBank(A);
            c.con.create(reg(METACON), reg(A), reg(SCHED), reg(CapReg.NULL), reg(B));
            assertThat(c.con.getType(reg(B))).isEqualTo(BuilderCodes.IKT);
          });
    }
  }

  @Test
  void aProgramBuiltThroughBuilderSealAndCreateRunsAndAnswersItsClient() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            assertThat(c.con.getType(reg(B))).isEqualTo(ConstructorCodes.IKT);
            c.newBank(C);
            c.con.create(reg(B), reg(C), reg(SCHED), reg(CapReg.NULL), reg(D));
            assertThat(c.echo(D, 41)).isEqualTo(42);
            assertThat(c.echo(D, 99)).isEqualTo(100);
          });
    }
  }

  @Test
  void aBuilderCanTryItsYieldOutBeforeSealing() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.newBuilder(A);
            c.con.setSpace(reg(A), reg(ConstructorSystem.ECHO_SPACE));
            c.con.setPC(reg(A), c.echoPc);
            c.newBank(C);
            c.con.create(reg(A), reg(C), reg(SCHED), reg(CapReg.NULL), reg(D));
            assertThat(c.echo(D, 7)).isEqualTo(8);
            assertThat(c.con.verifyYield(reg(A), reg(D))).isTrue();
            // The same brand after sealing: a trial yield is still this constructor's.
            c.con.seal(reg(A), reg(B));
            assertThat(c.con.verifyYield(reg(B), reg(D))).isTrue();
          });
    }
  }

  @Test
  void theConstructorVerifierRecognisesEveryConstructorAndTheMetaconstructor() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            assertThat(c.con.verifyYield(reg(CONSTRUCTOR_VERIFIER), reg(A))).isTrue();
            assertThat(c.con.verifyYield(reg(CONSTRUCTOR_VERIFIER), reg(B))).isTrue();
            assertThat(c.con.verifyYield(reg(CONSTRUCTOR_VERIFIER), reg(METACON))).isTrue();
            assertThat(c.con.verifyYield(reg(CONSTRUCTOR_VERIFIER), reg(CapReg.SPACEBANK)))
                .isFalse();
          });
    }
  }
}
