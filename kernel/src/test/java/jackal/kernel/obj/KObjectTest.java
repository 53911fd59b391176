package jackal.kernel.obj;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapType;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.cap.Capability;
import jackal.kernel.cap.OidLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The object header's lock and count, and what clearing an object's content resets. */
class KObjectTest {

  @Test
  void lockIsOwnedRecursivelyByOneOwnerUntilUnlocked() {
    Endpoint ep = new Endpoint(1);
    int a = KObject.newOwnerId();
    int b = KObject.newOwnerId();
    assertThat(ep.looksUnlocked()).isTrue();
    assertThat(ep.tryLock(a)).isTrue();
    assertThat(ep.tryLock(a)).as("recursive for its owner").isTrue();
    assertThat(ep.isLockedBy(a)).isTrue();
    assertThat(ep.looksUnlocked()).isFalse();
    assertThat(ep.tryLock(b)).as("refused to another owner").isFalse();
    assertThat(ep.isLockedBy(b)).isFalse();
    ep.unlock();
    assertThat(ep.looksUnlocked()).isTrue();
    assertThat(ep.isLockedBy(a)).isFalse();
    assertThat(ep.tryLock(b)).isTrue();
  }

  @Test
  void retiredIsTheCountMinusOne() {
    Page p = new Page(0);
    assertThat(p.isRetired()).isFalse();
    p.allocCount = OidLayout.WIDE.maxCount;
    assertThat(p.isRetired()).as("the largest count is still live").isFalse();
    p.allocCount = KObject.RETIRED;
    assertThat(p.isRetired()).isTrue();
    assertThat(KObject.RETIRED).isEqualTo(-1L);
  }

  @Test
  void clearContentResetsEachTypeButLeavesOidCountAndLockAlone() {
    int owner = KObject.newOwnerId();
    Capability some = Capability.misc(CapType.DISCRIM);

    Page page = new Page(3);
    page.bytes[0] = 1;
    page.bytes[Page.SIZE - 1] = 2;
    CapPage cp = new CapPage(3);
    cp.slots[5] = some;
    Gpt gpt = new Gpt(3);
    gpt.slots[15] = some;
    gpt.l2v = 30;
    gpt.ha = true;
    gpt.bg = true;
    Endpoint ep = new Endpoint(3);
    ep.pm = true;
    ep.protPayload = 7;
    ep.endpointID = 8;
    ep.recipient = some;
    Process pr = new Process(3);
    pr.runState = Process.FAULTED;
    pr.flags = 1;
    pr.notices = 2;
    pr.faultCode = 3;
    pr.faultInfo = 4;
    pr.schedule = pr.addrSpace = pr.brand = pr.cohort = pr.ioSpace = pr.handler = some;
    pr.setCapReg(31, some);
    pr.program = g -> {};
    pr.pb = new ParameterBlock();

    for (KObject o : List.<KObject>of(page, cp, gpt, ep, pr)) {
      o.allocCount = 9;
      assertThat(o.tryLock(owner)).isTrue();
      o.clearContent();
      assertThat(o.oid).isEqualTo(3);
      assertThat(o.allocCount).as("count is not content").isEqualTo(9);
      assertThat(o.isLockedBy(owner)).as("lock is not content").isTrue();
    }
    assertThat(page.bytes).containsOnly(0);
    assertThat(cp.slots).containsOnly(Capability.NULL);
    assertThat(gpt.slots).containsOnly(Capability.NULL);
    assertThat(gpt.l2v).isEqualTo(Page.SIZE_BITS);
    assertThat(gpt.ha).isFalse();
    assertThat(gpt.bg).isFalse();
    assertThat(ep.pm).isFalse();
    assertThat(ep.protPayload).isZero();
    assertThat(ep.endpointID).isZero();
    assertThat(ep.recipient).isSameAs(Capability.NULL);
    assertThat(pr.runState).isEqualTo(Process.RUNNING);
    assertThat(pr.flags).isZero();
    assertThat(pr.notices).isZero();
    assertThat(pr.faultCode).isZero();
    assertThat(pr.faultInfo).isZero();
    assertThat(List.of(pr.schedule, pr.addrSpace, pr.brand, pr.cohort, pr.ioSpace, pr.handler))
        .containsOnly(Capability.NULL);
    for (int r = 0; r < Process.CAP_REGS; r++) {
      assertThat(pr.capReg(r)).as("register %d", r).isSameAs(Capability.NULL);
    }
    assertThat(pr.ownsCapRegs()).as("cleared back to the shared, all-Null file").isFalse();
    assertThat(pr.program).isNull();
    assertThat(pr.pb).isNull();
    assertThat(pr.cont).isNull();
  }

  @Test
  void objectTypesUseTheRangeNumbering() {
    assertThat(new Page(0).obType()).isEqualTo(0);
    assertThat(new CapPage(0).obType()).isEqualTo(1);
    assertThat(new Gpt(0).obType()).isEqualTo(2);
    assertThat(new Process(0).obType()).isEqualTo(3);
    assertThat(new Endpoint(0).obType()).isEqualTo(4);
    assertThat(ObType.COUNT).isEqualTo(5);
    assertThat(ObType.name(ObType.GPT)).isEqualTo("GPT");
    assertThat(ObType.name(5)).isEqualTo("Invalid");
    assertThat(CapPage.SLOTS).isEqualTo(256);
    assertThat(Gpt.SLOTS).isEqualTo(16);
    assertThat(Gpt.HANDLER_SLOT).isEqualTo(15);
    assertThat(Gpt.BACKGROUND_SLOT).isEqualTo(14);
  }

  @Test
  void mayRunOnReadsOneMaskBitPerCpu() {
    Process p = new Process(0);
    for (int cpu = 0; cpu < 64; cpu++) {
      assertThat(p.mayRunOn(cpu)).as("default mask allows cpu %d", cpu).isTrue();
    }
    p.cpuMask = 1L << 63 | 0b101;
    List<Integer> allowed = new ArrayList<>();
    for (int cpu = 0; cpu < 64; cpu++) {
      if (p.mayRunOn(cpu)) {
        allowed.add(cpu);
      }
    }
    assertThat(allowed).containsExactly(0, 2, 63);
    p.cpuMask = 0;
    assertThat(p.mayRunOn(0)).isFalse();
  }

  @Test
  void toStringUsesTheNameWhenThereIsOne() {
    Process p = new Process(12);
    assertThat(p).hasToString("process#12");
    p.name = "init";
    assertThat(p).hasToString("init#12");
  }

  /**
   * Four threads with distinct owner tokens: tryLock/unlock give mutual exclusion and visibility.
   */
  @Test
  void tryLockGivesMutualExclusionAcrossThreads() throws Exception {
    Endpoint ep = new Endpoint(0);
    int threads = 4;
    int rounds = 20_000;
    long[] counter = new long[1];
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger violations = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ts.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    int me = KObject.newOwnerId();
                    try {
                      start.await();
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                    for (int i = 0; i < rounds; i++) {
                      while (!ep.tryLock(me)) {
                        Thread.yield();
                      }
                      if (inside.incrementAndGet() != 1) {
                        violations.incrementAndGet();
                      }
                      counter[0]++;
                      inside.decrementAndGet();
                      ep.unlock();
                    }
                  }));
    }
    for (Thread t : ts) {
      t.join(30_000);
      assertThat(t.isAlive()).isFalse();
    }
    assertThat(violations.get()).isZero();
    assertThat(counter[0]).isEqualTo((long) threads * rounds);
    assertThat(ep.looksUnlocked()).isTrue();
  }
}
