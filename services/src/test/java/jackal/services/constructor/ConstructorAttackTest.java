package jackal.services.constructor;

import static jackal.services.constructor.Calls.code;
import static jackal.services.constructor.ConstructorSystem.A;
import static jackal.services.constructor.ConstructorSystem.B;
import static jackal.services.constructor.ConstructorSystem.C;
import static jackal.services.constructor.ConstructorSystem.CONSTRUCTOR_VERIFIER;
import static jackal.services.constructor.ConstructorSystem.D;
import static jackal.services.constructor.ConstructorSystem.E;
import static jackal.services.constructor.ConstructorSystem.ECHO_SPACE;
import static jackal.services.constructor.ConstructorSystem.HAND_BUILT;
import static jackal.services.constructor.ConstructorSystem.METACON;
import static jackal.services.constructor.ConstructorSystem.SCHED;
import static jackal.services.constructor.ConstructorSystem.WRITABLE_PAGE;
import static jackal.services.constructor.ConstructorSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.runtime.CapReg;
import jackal.services.idl.coyotos.BuilderSealedException;
import jackal.services.idl.coyotos.ConstructorCodes;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.VerifierClient;
import jackal.services.idl.coyotos.VerifierCodes;
import org.junit.jupiter.api.Test;

/** What a holder of a constructor's facets, or of something else, cannot make it do. */
class ConstructorAttackTest {
  private static final long NULL = reg(CapReg.NULL);

  @Test
  void everyBuilderMethodAfterSealRaisesSealed() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            long sealed = BuilderSealedException.CODE;
            assertThat(code(() -> c.con.setHandler(reg(A), reg(WRITABLE_PAGE)))).isEqualTo(sealed);
            assertThat(code(() -> c.con.setSpace(reg(A), reg(WRITABLE_PAGE)))).isEqualTo(sealed);
            assertThat(code(() -> c.con.setPC(reg(A), 0))).isEqualTo(sealed);
            assertThat(code(() -> c.con.setTool(reg(A), 4, reg(WRITABLE_PAGE)))).isEqualTo(sealed);
            // Sealing again changes nothing either: the same facet, the same verdict.
            c.con.seal(reg(A), reg(E));
            assertThat(c.con.getType(reg(E))).isEqualTo(ConstructorCodes.IKT);
            // Nothing changed: still confined, and the yield still runs the echo program.
            assertThat(c.con.isYieldConfined(reg(B))).isTrue();
            assertThat(c.con.isYieldConfined(reg(E))).isTrue();
            c.newBank(C);
            c.con.create(reg(B), reg(C), reg(SCHED), NULL, reg(D));
            assertThat(c.echo(D, 1)).isEqualTo(2);
          });
    }
  }

  @Test
  void verifyYieldIsTrueForAYieldAndFalseForAHandBuiltProcessWithTheSameProgram() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            c.newBank(C);
            c.con.create(reg(B), reg(C), reg(SCHED), NULL, reg(D));
            c.con.getVerifier(reg(B), reg(E));
            assertThat(c.con.getType(reg(E))).isEqualTo(VerifierCodes.IKT);
            assertThat(c.con.verifyYield(reg(E), reg(D))).isTrue();
            assertThat(c.con.verifyYield(reg(B), reg(D))).isTrue();
            // The same program, the same answers, but not this constructor's yield.
            assertThat(c.echo(HAND_BUILT, 5)).isEqualTo(c.echo(D, 5));
            assertThat(c.con.verifyYield(reg(E), reg(HAND_BUILT))).isFalse();
            // Nor is it a constructor.
            assertThat(c.con.verifyYield(reg(CONSTRUCTOR_VERIFIER), reg(D))).isFalse();
          });
    }
  }

  @Test
  void anotherConstructorsYieldIsNotThisConstructorsYield() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            c.echoConstructor(D, C);
            c.newBank(E);
            c.con.create(reg(D), reg(E), reg(SCHED), NULL, reg(E));
            assertThat(c.con.verifyYield(reg(D), reg(E))).isTrue();
            assertThat(c.con.verifyYield(reg(B), reg(E))).isFalse();
          });
    }
  }

  @Test
  void aConstructorFacetCannotBeUsedAsABuilder() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            long unknown = Codes.RC_UNKNOWN_REQUEST;
            assertThat(c.con.getType(reg(B))).isEqualTo(ConstructorCodes.IKT);
            assertThat(code(() -> c.con.setSpace(reg(B), reg(WRITABLE_PAGE)))).isEqualTo(unknown);
            assertThat(code(() -> c.con.setHandler(reg(B), reg(WRITABLE_PAGE)))).isEqualTo(unknown);
            assertThat(code(() -> c.con.setPC(reg(B), 0))).isEqualTo(unknown);
            assertThat(code(() -> c.con.setTool(reg(B), 4, reg(WRITABLE_PAGE)))).isEqualTo(unknown);
            assertThat(code(() -> c.con.seal(reg(B), reg(C)))).isEqualTo(unknown);
            assertThat(code(() -> c.con.destroy(reg(B)))).isEqualTo(Codes.RC_NO_ACCESS);
            assertThat(c.con.isYieldConfined(reg(B))).isTrue();
          });
    }
  }

  @Test
  void aVerifierFacetCanOnlyVerify() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            c.con.getVerifier(reg(B), reg(C));
            long unknown = Codes.RC_UNKNOWN_REQUEST;
            c.newBank(D);
            assertThat(code(() -> c.con.create(reg(C), reg(D), reg(SCHED), NULL, reg(E))))
                .isEqualTo(unknown);
            assertThat(code(() -> c.con.isYieldConfined(reg(C)))).isEqualTo(unknown);
            assertThat(code(() -> c.con.getVerifier(reg(C), reg(E)))).isEqualTo(unknown);
            assertThat(code(() -> c.con.setSpace(reg(C), reg(WRITABLE_PAGE)))).isEqualTo(unknown);
            assertThat(code(() -> c.con.seal(reg(C), reg(E)))).isEqualTo(unknown);
            assertThat(code(() -> c.con.destroy(reg(C)))).isEqualTo(Codes.RC_NO_ACCESS);
            // The metaconstructor's verifier cannot create a Builder either.
            assertThat(
                    code(
                        () ->
                            c.con.create(
                                reg(CONSTRUCTOR_VERIFIER), reg(D), reg(SCHED), NULL, reg(E))))
                .isEqualTo(unknown);
          });
    }
  }

  @Test
  void aFacetCannotBeTurnedIntoAnotherPayload() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.echoConstructor(B, A);
            // Only the holder of the Endpoint makes Entry capabilities; a facet is not it.
            EndpointClient ep = new EndpointClient(c.ipc);
            assertThat(code(() -> ep.makeEntryCap(reg(B), ConstructorProgram.PP_BUILDER, reg(C))))
                .isEqualTo(Codes.RC_UNKNOWN_REQUEST);
            assertThat(
                    code(() -> ep.makeEntryCap(reg(METACON), ConstructorProgram.PP_BRAND, reg(C))))
                .isEqualTo(Codes.RC_UNKNOWN_REQUEST);
            assertThat(c.discrim.classify(reg(ConstructorSystem.DISCRIM), reg(C)))
                .isEqualTo(Codes.CL_NULL);
          });
    }
  }

  @Test
  void theMetaconstructorCannotBeDestroyedOrRebuilt() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            assertThat(code(() -> c.con.destroy(reg(METACON)))).isEqualTo(Codes.RC_NO_ACCESS);
            assertThat(code(() -> c.con.setSpace(reg(METACON), reg(WRITABLE_PAGE))))
                .isEqualTo(Codes.RC_UNKNOWN_REQUEST);
            assertThat(c.con.isYieldConfined(reg(METACON))).isTrue();
            c.newBuilder(A);
            assertThat(c.con.getType(reg(A))).as("still a working metaconstructor").isNotZero();
          });
    }
  }

  @Test
  void aBuilderDestroysItsConstructorAndItsBank() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.newBank(B);
            c.con.create(reg(METACON), reg(B), reg(SCHED), NULL, reg(A));
            c.con.seal(reg(A), reg(C));
            c.con.destroy(reg(A));
            for (int r : new int[] {A, B, C}) {
              assertThat(c.discrim.classify(reg(ConstructorSystem.DISCRIM), reg(r)))
                  .as("register %d", r)
                  .isEqualTo(Codes.CL_NULL);
            }
          });
    }
  }

  @Test
  void aToolSlotOutsideTheToolsPageIsRefused() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.newBuilder(A);
            for (int slot : new int[] {-1, 256, Integer.MAX_VALUE}) {
              assertThat(code(() -> c.con.setTool(reg(A), slot, reg(ECHO_SPACE))))
                  .as("slot %d", slot)
                  .isEqualTo(Codes.RC_REQUEST_ERROR);
            }
          });
    }
  }

  @Test
  void testUnknownRequest() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            VerifierClient v = new VerifierClient(c.ipc);
            assertThat(code(() -> v.verifyYield(reg(CapReg.SPACEBANK), reg(HAND_BUILT))))
                .isEqualTo(Codes.RC_UNKNOWN_REQUEST);
          });
    }
  }
}
