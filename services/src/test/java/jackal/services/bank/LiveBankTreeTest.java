package jackal.services.bank;

import static jackal.services.bank.BankSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.SystemView;
import jackal.kernel.boot.SystemView.BankView;
import jackal.runtime.CapReg;
import jackal.services.boot.BankTree;
import jackal.services.idl.coyotos.RangeCodes;
import jackal.services.idl.coyotos.SleepClient;
import jackal.services.idl.coyotos.SpaceBankLimits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The bank tree a running system's view shows (jackal run --dump, the inspector) is the tree the
 * bank keeps now: a client changes it while the system runs, and the view taken between its steps
 * follows every allocation, new bank, limit, free, remove and destroy, with the usage the bank
 * itself answers.
 */
class LiveBankTreeTest {
  static final int A = CapReg.APP0;
  static final int B = CapReg.APP0 + 1;
  static final int P1 = CapReg.APP0 + 2;
  static final int P2 = CapReg.APP0 + 3;
  static final int G = CapReg.APP0 + 4;
  static final int E = CapReg.APP0 + 5;
  static final int SLEEP = 22;
  static final long NULL = reg(CapReg.NULL);

  /** A client that runs its steps one by one, each when the test says so; views between them. */
  static final class Stepped {
    final BankSystem s = new BankSystem();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicBoolean go = new AtomicBoolean();
    volatile CountDownLatch done = new CountDownLatch(1);
    Kernel running;

    void boot(BankSystem.Scenario... steps) {
      ObjectRef c =
          s.client(
              "client",
              cl -> {
                for (BankSystem.Scenario step : steps) {
                  while (!go.getAndSet(false)) {
                    new SleepClient(cl.ipc).sleepFor(reg(SLEEP), 0, 200);
                  }
                  step.run(cl);
                  done.countDown();
                }
              },
              failure);
      s.k.setCapReg(c, SLEEP, s.k.kernelCap(KernelService.SLEEP));
      s.k.start(s.prime.process());
      s.k.start(c);
      running = s.k.boot();
      s.k = running;
    }

    /** Runs the next step and answers the bank tree the view shows once it is done. */
    List<BankView> step() throws Exception {
      done = new CountDownLatch(1);
      go.set(true);
      boolean finished = done.await(60, TimeUnit.SECONDS);
      BankSystem.rethrow(failure);
      assertThat(finished).as("the step ended").isTrue();
      return BankTree.attach(running, running.view()).banks();
    }
  }

  static BankView child(List<BankView> banks, long parentOid) {
    return banks.stream().filter(b -> b.parentOid() == parentOid).findFirst().orElseThrow();
  }

  @Test
  void theViewOfARunningSystemFollowsEachChangeTheBankMakes() throws Exception {
    Stepped t = new Stepped();
    long[] oids = new long[4];
    long[][] usage = new long[2][];
    try (BankSystem s = t.s) {
      t.boot(
          c -> {
            c.bank.createChild(reg(CapReg.SPACEBANK), reg(A));
            c.bank.alloc(
                reg(A),
                RangeCodes.obType.otPage,
                RangeCodes.obType.otPage,
                RangeCodes.obType.otGPT,
                reg(P1),
                reg(P2),
                reg(G));
            oids[0] = c.range.identify(reg(BankSystem.RANGE), reg(P1)).offset();
            oids[1] = c.range.identify(reg(BankSystem.RANGE), reg(P2)).offset();
            oids[2] = c.range.identify(reg(BankSystem.RANGE), reg(G)).offset();
            usage[0] = c.bank.getUsage(reg(A)).byType();
          },
          c -> {
            c.bank.createChild(reg(A), reg(B));
            long[] lim = {-1, -1, -1, -1, 7};
            c.bank.setLimits(reg(B), new SpaceBankLimits(lim));
            c.bank.alloc(
                reg(B),
                RangeCodes.obType.otEndpoint,
                RangeCodes.obType.otInvalid,
                RangeCodes.obType.otInvalid,
                reg(E),
                NULL,
                NULL);
            oids[3] = c.range.identify(reg(BankSystem.RANGE), reg(E)).offset();
            c.bank.free(reg(A), 1, reg(P1), NULL, NULL);
            usage[1] = c.bank.getUsage(reg(A)).byType();
          },
          c -> c.bank.remove(reg(B)),
          c -> c.bank.destroy(reg(A)));

      List<BankView> one = t.step();
      assertThat(one).hasSize(2);
      BankView prime = one.getFirst();
      assertThat(prime.parentOid()).isEqualTo(-1);
      BankView a = child(one, prime.endpointOid());
      assertThat(a.owned()).containsExactly("page#" + oids[0], "page#" + oids[1], "gpt#" + oids[2]);
      assertThat(a.usage()).containsExactly(box(usage[0]));
      assertThat(a.usage().get(Codes.OT_PAGE)).isEqualTo(2);
      assertThat(prime.usage().get(Codes.OT_ENDPOINT)).isEqualTo(1); // A's endpoint

      List<BankView> two = t.step();
      assertThat(two).hasSize(3);
      a = child(two, prime.endpointOid());
      BankView b = child(two, a.endpointOid());
      assertThat(a.owned()).containsExactly("page#" + oids[1], "gpt#" + oids[2]);
      assertThat(a.usage()).containsExactly(box(usage[1]));
      assertThat(b.owned()).containsExactly("endpoint#" + oids[3]);
      assertThat(b.limits()).containsExactly(-1L, -1L, -1L, -1L, 7L);
      assertThat(b.usage()).containsExactly(0L, 0L, 0L, 0L, 1L);
      String text = BankTree.attach(t.running, t.running.view()).text();
      assertThat(text)
          .contains("banks (as the space bank keeps them now):")
          .contains("bank#" + b.endpointOid() + " (in bank#" + a.endpointOid() + ")");

      List<BankView> three = t.step();
      assertThat(three).hasSize(2);
      a = child(three, prime.endpointOid());
      assertThat(a.owned())
          .as("what B owned is A's once B is removed")
          .containsExactlyInAnyOrder("page#" + oids[1], "gpt#" + oids[2], "endpoint#" + oids[3]);

      List<BankView> four = t.step();
      assertThat(four).hasSize(1);
      assertThat(four.getFirst().owned()).isEmpty();
      assertThat(four.getFirst().usage()).containsExactly(0L, 0L, 0L, 0L, 0L);
      assertThat(t.running.awaitQuiescent(Duration.ofSeconds(60))).isTrue();
    }
  }

  @Test
  void anImageViewBeforeTheBankRunsShowsTheManifestAndSaysSo() {
    try (BankSystem s = new BankSystem()) {
      SystemView v = BankTree.attach(s.k, s.k.view());
      assertThat(v.banks()).hasSize(1);
      assertThat(v.text()).contains("banks (as the image gives them to the space bank):");
    }
  }

  private static Long[] box(long[] xs) {
    Long[] out = new Long[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i];
    }
    return out;
  }
}
