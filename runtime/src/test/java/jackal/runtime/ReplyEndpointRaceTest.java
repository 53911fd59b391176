package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.ObjectRef;
import jackal.runtime.confined.ReplyRaces;
import jackal.runtime.idl.coyotos.DiscrimCodes;
import java.lang.reflect.Method;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * A call reads its reply endpoint without the endpoint's lock (docs/DEVIATIONS.md; the argument is
 * at {@code SystemCall.fabricateReplyCap}). These tests put another CPU's rescind of that endpoint
 * exactly between the read and the delivery of the reply capability, through a test hook the kernel
 * runs in the call at that moment, and check that the capability the server gets is as invalid as
 * the caller's own: a reply capability must never outlive a rescind that completed before it
 * reached anyone.
 */
class ReplyEndpointRaceTest {
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Sets the kernel's hook (its package is not exported; tests run on the class path). */
  private static void setHook(LongConsumer hook) throws Exception {
    Method m =
        Class.forName("jackal.kernel.invoke.SystemCall")
            .getDeclaredMethod("setReplyMadeHook", LongConsumer.class);
    m.setAccessible(true);
    m.invoke(null, hook);
  }

  /** What one run recorded: the console, and why the hook gave up (null if it did not). */
  private record Run(String console, String hookFailure, long kernelErrors) {}

  /**
   * Boots {@code s} with {@code first} running, and when {@code victim}'s call has read its reply
   * endpoint, has the test's thread start {@code attacker} (on another CPU) and holds the call
   * until the attacker says {@code done}; then lets everything settle.
   */
  private static Run race(
      TestSystem s, ObjectRef victim, ObjectRef attacker, String done, ObjectRef... first)
      throws Exception {
    AtomicBoolean fired = new AtomicBoolean();
    AtomicReference<String> hookFailure = new AtomicReference<>();
    CountDownLatch inCall = new CountDownLatch(1);
    long victimOid = victim.oid();
    try {
      setHook(
          caller -> {
            if (caller != victimOid || !fired.compareAndSet(false, true)) {
              return;
            }
            // Inside the victim's call, between reading its reply endpoint and using it: the
            // test's thread starts the attacker (the boot API refuses a CPU's thread).
            inCall.countDown();
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (!s.console().contains(done)) {
              if (System.nanoTime() - deadline > 0) {
                hookFailure.set("the attacker could not act on the endpoint while the call ran");
                return;
              }
              Thread.onSpinWait();
            }
          });
      for (ObjectRef p : first) {
        s.k.start(p);
      }
      s.boot();
      assertThat(inCall.await(WAIT_NANOS, TimeUnit.NANOSECONDS))
          .as("the victim's call reached the hook")
          .isTrue();
      s.k.start(attacker);
      s.awaitQuiet();
    } finally {
      setHook(null);
    }
    return new Run(s.console(), hookFailure.get(), s.k.kernelErrors());
  }

  @Test
  void aReplyCapabilityWhoseEndpointAnotherCpuRescindsWhileTheCallRunsReachesTheServerAsNull()
      throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      ObjectRef server =
          progs.process("server", ReplyRaces.ClassifiesItsReplyCapability.class, ReplyRaces.class);
      ObjectRef victim = progs.process("victim", ReplyRaces.Caller.class, ReplyRaces.class);
      ObjectRef attacker =
          progs.process("attacker", ReplyRaces.RescindsRegister24.class, ReplyRaces.class);
      s.k.setCpuMask(server, 1L);
      s.k.setCpuMask(victim, 1L);
      s.k.setCpuMask(attacker, 2L);
      s.give(victim, CapReg.APP0, s.k.entry(s.endpoint(server, 3), 0));
      s.give(attacker, 24, s.k.cap(s.replyEndpoint(victim)));
      Run run = race(s, victim, attacker, "attacker rescinded", server, victim);
      assertThat(run.hookFailure()).as(run.console()).isNull();
      assertThat(run.console())
          .contains("attacker rescinded")
          .contains("reply capability class " + DiscrimCodes.capClass.clNull)
          .contains("server replied")
          .doesNotContain("caller resumed")
          .doesNotContain("kernel error")
          .doesNotContain("died");
      assertThat(run.console().indexOf("attacker rescinded"))
          .isLessThan(run.console().indexOf("reply capability class"));
      assertThat(run.kernelErrors()).isZero();
    }
  }

  /**
   * The kernel-capability path: a kernel object's answer goes through the reply endpoint, which the
   * call locks only then. An attacker on another CPU rescinds the endpoint after the call read it,
   * takes it over with a new capability, and waits on it: the call must see that its caller's
   * capability is stale and drop the answer (as a call made after the rescind would), not send it
   * through the endpoint it now locks, to the attacker.
   */
  @Test
  void aKernelAnswerIsNotSentThroughAReplyEndpointAnotherCpuRescindedAndTookOverDuringTheCall()
      throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      ObjectRef victim = progs.process("victim", ReplyRaces.AsksTheKernel.class, ReplyRaces.class);
      ObjectRef attacker =
          progs.process(
              "attacker", ReplyRaces.RescindsRegister24AndTakesItOver.class, ReplyRaces.class);
      s.k.setCpuMask(victim, 1L);
      s.k.setCpuMask(attacker, 2L);
      s.give(attacker, 24, s.k.cap(s.replyEndpoint(victim)));
      Run run = race(s, victim, attacker, "attacker took the endpoint over", victim);
      assertThat(run.hookFailure()).as(run.console()).isNull();
      assertThat(run.console())
          .contains("attacker took the endpoint over")
          .doesNotContain("attacker received")
          .doesNotContain("caller got its answer")
          .doesNotContain("kernel error")
          .doesNotContain("died");
      assertThat(run.kernelErrors()).isZero();
    }
  }
}
