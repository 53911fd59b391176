package jackal.services.constructor;

import static jackal.services.constructor.ConstructorSystem.A;
import static jackal.services.constructor.ConstructorSystem.B;
import static jackal.services.constructor.ConstructorSystem.C;
import static jackal.services.constructor.ConstructorSystem.CONSTRUCTOR_VERIFIER;
import static jackal.services.constructor.ConstructorSystem.D;
import static jackal.services.constructor.ConstructorSystem.E;
import static jackal.services.constructor.ConstructorSystem.ECHO_SPACE;
import static jackal.services.constructor.ConstructorSystem.HAND_BUILT;
import static jackal.services.constructor.ConstructorSystem.WRITABLE_PAGE;
import static jackal.services.constructor.ConstructorSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.runtime.KernelException;
import org.junit.jupiter.api.Test;

/**
 * isYieldConfined: a constructor is confined only if every capability its yield starts with is
 * discreet, a Verifier, or a confined Constructor; a single hole makes it unconfined.
 */
class ConfinementTest {
  /** Fills a builder (in {@code b}) with the echo program and one more capability, then seals. */
  @FunctionalInterface
  interface Extra {
    void add(ConstructorSystem.Client c, int builder) throws KernelException;
  }

  private static boolean confinedWith(Extra extra) throws Exception {
    boolean[] out = new boolean[1];
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.newBuilder(A);
            c.con.setSpace(reg(A), reg(ECHO_SPACE));
            c.con.setPC(reg(A), c.echoPc);
            extra.add(c, A);
            c.con.seal(reg(A), reg(B));
            out[0] = c.con.isYieldConfined(reg(B));
          });
    }
    return out[0];
  }

  @Test
  void aConstructorOfOnlyConfinedPartsReportsConfined() throws Exception {
    assertThat(confinedWith((c, b) -> {})).isTrue();
  }

  @Test
  void verifiersAndConfinedConstructorsAsToolsAndHandlerKeepItConfined() throws Exception {
    assertThat(
            confinedWith(
                (c, b) -> {
                  c.echoConstructor(C, D);
                  c.con.setTool(reg(b), 4, reg(C));
                  c.con.setTool(reg(b), 5, reg(CONSTRUCTOR_VERIFIER));
                  c.con.getVerifier(reg(C), reg(E));
                  c.con.setHandler(reg(b), reg(E));
                }))
        .isTrue();
  }

  @Test
  void aWritablePageToolMakesItUnconfined() throws Exception {
    assertThat(confinedWith((c, b) -> c.con.setTool(reg(b), 4, reg(WRITABLE_PAGE)))).isFalse();
  }

  @Test
  void aWritableSpaceMakesItUnconfined() throws Exception {
    assertThat(confinedWith((c, b) -> c.con.setSpace(reg(b), reg(WRITABLE_PAGE)))).isFalse();
  }

  @Test
  void aBuilderFacetToolMakesItUnconfined() throws Exception {
    assertThat(
            confinedWith(
                (c, b) -> {
                  c.newBuilder(C);
                  c.con.setTool(reg(b), 4, reg(C));
                }))
        .isFalse();
  }

  @Test
  void aBuilderFacetHandlerMakesItUnconfined() throws Exception {
    assertThat(
            confinedWith(
                (c, b) -> {
                  c.newBuilder(C);
                  c.con.setHandler(reg(b), reg(C));
                }))
        .isFalse();
  }

  @Test
  void anEntryToAnOrdinaryProcessAsHandlerMakesItUnconfined() throws Exception {
    assertThat(confinedWith((c, b) -> c.con.setHandler(reg(b), reg(HAND_BUILT)))).isFalse();
  }

  @Test
  void anUnconfinedConstructorAsToolMakesItUnconfined() throws Exception {
    assertThat(
            confinedWith(
                (c, b) -> {
                  c.newBuilder(D);
                  c.con.setSpace(reg(D), reg(WRITABLE_PAGE));
                  c.con.seal(reg(D), reg(C));
                  assertThat(c.con.isYieldConfined(reg(C))).isFalse();
                  c.con.setTool(reg(b), 4, reg(C));
                }))
        .isFalse();
  }

  @Test
  void anUnsealedBuilderReportsUnconfined() throws Exception {
    try (ConstructorSystem s = new ConstructorSystem()) {
      s.run(
          c -> {
            c.newBuilder(A);
            c.con.setSpace(reg(A), reg(ECHO_SPACE));
            assertThat(c.con.isYieldConfined(reg(A))).isFalse();
          });
    }
  }
}
