package jackal.kernel.obj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.CapType;
import jackal.kernel.cap.Capability;
import jackal.kernel.cap.OidLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ObjectTableTest {

  static final int[] TYPES = {
    ObType.PAGE, ObType.CAP_PAGE, ObType.GPT, ObType.PROCESS, ObType.ENDPOINT
  };

  @ParameterizedTest
  @EnumSource(OidLayout.class)
  void freshObjectsGetDenseOidsFromZeroInEachTypesOwnNamespace(OidLayout layout) {
    ObjectTable t = new ObjectTable(layout, 100);
    for (int type : TYPES) {
      for (long want = 0; want < 5; want++) {
        KObject o = t.allocateFresh(type);
        assertThat(o.oid).isEqualTo(want);
        assertThat(o.obType()).isEqualTo(type);
        assertThat(o.allocCount).isZero();
        assertThat(t.get(type, want)).as("allocated object is the one the table finds").isSameAs(o);
      }
      assertThat(t.resident(type)).isEqualTo(5);
    }
  }

  @Test
  void freshObjectsHaveTheClassOfTheirType() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 10);
    assertThat(t.allocateFresh(ObType.PAGE)).isInstanceOf(Page.class);
    assertThat(t.allocateFresh(ObType.CAP_PAGE)).isInstanceOf(CapPage.class);
    assertThat(t.allocateFresh(ObType.GPT)).isInstanceOf(Gpt.class);
    assertThat(t.allocateFresh(ObType.PROCESS)).isInstanceOf(Process.class);
    assertThat(t.allocateFresh(ObType.ENDPOINT)).isInstanceOf(Endpoint.class);
  }

  @Test
  void getOfAnUntouchedInRangeOidMakesAZeroedObjectWithCountZeroOnce() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 1000);
    for (int type : TYPES) {
      assertThat(t.peek(type, 777)).isNull();
      KObject o = t.get(type, 777);
      assertThat(o).isNotNull();
      assertThat(o.oid).isEqualTo(777);
      assertThat(o.obType()).isEqualTo(type);
      assertThat(o.allocCount).isZero();
      assertThat(o.isRetired()).isFalse();
      assertThat(o.looksUnlocked()).isTrue();
      assertThat(t.get(type, 777)).as("same object the second time").isSameAs(o);
      assertThat(t.peek(type, 777)).isSameAs(o);
      assertThat(t.resident(type)).isEqualTo(1);
    }

    Page page = (Page) t.get(ObType.PAGE, 1);
    assertThat(page.bytes).hasSize(Page.SIZE).containsOnly(0);

    CapPage cp = (CapPage) t.get(ObType.CAP_PAGE, 1);
    assertThat(cp.slots).hasSize(CapPage.SLOTS).containsOnly(Capability.NULL);

    Gpt g = (Gpt) t.get(ObType.GPT, 1);
    assertThat(g.slots).hasSize(Gpt.SLOTS).containsOnly(Capability.NULL);
    assertThat(g.ha).isFalse();
    assertThat(g.bg).isFalse();
    // l2v must be at least the page shift (reference section 6), so a fresh GPT spans pages.
    assertThat(g.l2v).isEqualTo(Page.SIZE_BITS);

    Endpoint ep = (Endpoint) t.get(ObType.ENDPOINT, 1);
    assertThat(ep.pm).isFalse();
    assertThat(ep.protPayload).isZero();
    assertThat(ep.endpointID).isZero();
    assertThat(ep.recipient).isSameAs(Capability.NULL);
    assertThat(ep.hasWaiters()).as("no stall queue until a sender waits").isFalse();
    assertThat(ep.waitingSenders()).isEmpty();

    Process p = (Process) t.get(ObType.PROCESS, 1);
    assertThat(p.runState).isEqualTo(Process.RUNNING);
    assertThat(p.flags).isZero();
    assertThat(p.notices).isZero();
    assertThat(p.faultCode).isZero();
    assertThat(p.faultInfo).isZero();
    assertThat(List.of(p.schedule, p.addrSpace, p.brand, p.cohort, p.ioSpace, p.handler))
        .containsOnly(Capability.NULL);
    for (int r = 0; r < Process.CAP_REGS; r++) {
      assertThat(p.capReg(r)).as("register %d", r).isSameAs(Capability.NULL);
    }
    assertThat(p.program).isNull();
    assertThat(p.sched).isEqualTo(Process.IDLE);
    assertThat(p.cpuMask).isEqualTo(-1L);
    assertThat(p.hasRcvWaitQ()).as("no stall queue until a sender waits").isFalse();
    assertThat(p.waitingSenders()).isEmpty();
  }

  @Test
  void outOfRangeOidsGiveNull() {
    ObjectTable t = new ObjectTable(OidLayout.COYOTOS_2007, 10);
    for (int type : TYPES) {
      assertThat(t.bound(type)).isEqualTo(10);
      assertThat(t.inRange(type, 9)).isTrue();
      assertThat(t.get(type, 9)).isNotNull();
      for (long oid : new long[] {10, 11, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
        assertThat(t.inRange(type, oid)).as("oid %d", oid).isFalse();
        assertThat(t.get(type, oid)).as("oid %d", oid).isNull();
        assertThat(t.peek(type, oid)).as("oid %d", oid).isNull();
      }
      assertThat(t.resident(type)).as("out-of-range lookups materialize nothing").isEqualTo(1);
    }
  }

  @Test
  void allocateFreshFailsOnceTheTypeIsExhausted() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 3);
    for (int i = 0; i < 3; i++) {
      t.allocateFresh(ObType.ENDPOINT);
    }
    assertThatThrownBy(() -> t.allocateFresh(ObType.ENDPOINT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Endpoint");
    assertThat(t.allocateFresh(ObType.PAGE).oid).as("other types unaffected").isZero();
  }

  @Test
  void allocateFreshSkipsOidsAlreadyUsedThroughGet() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 100);
    KObject used = t.get(ObType.GPT, 2);
    List<Long> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      got.add(t.allocateFresh(ObType.GPT).oid);
    }
    assertThat(got).containsExactly(0L, 1L, 3L, 4L);
    assertThat(t.get(ObType.GPT, 2)).isSameAs(used);
  }

  @Test
  void aRetiredObjectIsNeverHandedOutAgainAndItsOidStaysRetired() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 10);
    KObject r0 = t.get(ObType.ENDPOINT, 0);
    KObject r3 = t.get(ObType.ENDPOINT, 3);
    r0.allocCount = KObject.RETIRED;
    r3.allocCount = KObject.RETIRED;
    assertThat(r0.isRetired()).isTrue();

    List<Long> handedOut = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      KObject o = t.allocateFresh(ObType.ENDPOINT);
      assertThat(o.isRetired()).isFalse();
      assertThat(o.allocCount).isZero();
      handedOut.add(o.oid);
    }
    assertThat(handedOut).containsExactly(1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThatThrownBy(() -> t.allocateFresh(ObType.ENDPOINT))
        .isInstanceOf(IllegalStateException.class);

    assertThat(t.get(ObType.ENDPOINT, 0)).isSameAs(r0);
    assertThat(t.get(ObType.ENDPOINT, 0).isRetired()).isTrue();
    assertThat(t.peek(ObType.ENDPOINT, 3).allocCount).isEqualTo(KObject.RETIRED);
    assertThat(t.resolve(CapType.ENTRY, 3)).isSameAs(r3);
  }

  @Test
  void wideLayoutBoundsOidsAt2To40() {
    long limit = 1L << 40;
    ObjectTable t = new ObjectTable(OidLayout.WIDE, Long.MAX_VALUE);
    for (int type : TYPES) {
      assertThat(t.bound(type)).isEqualTo(limit);
    }
    assertThat(t.inRange(ObType.PAGE, limit - 1)).isTrue();
    assertThat(t.inRange(ObType.PAGE, limit)).isFalse();
    assertThat(t.get(ObType.PAGE, limit - 1).oid).isEqualTo(limit - 1);
    assertThat(t.get(ObType.PAGE, limit)).isNull();
    assertThat(t.get(ObType.PROCESS, OidLayout.WIDE.maxOid).oid).isEqualTo(OidLayout.WIDE.maxOid);

    assertThat(new ObjectTable(OidLayout.WIDE, limit + 1).bound(ObType.GPT)).isEqualTo(limit);
    assertThat(new ObjectTable(OidLayout.WIDE, 12345).bound(ObType.GPT))
        .as("a smaller setting is kept")
        .isEqualTo(12345);

    ObjectTable narrow = new ObjectTable(OidLayout.COYOTOS_2007, Long.MAX_VALUE);
    assertThat(narrow.bound(ObType.PAGE)).isEqualTo(Long.MAX_VALUE);
    assertThat(narrow.get(ObType.PAGE, limit).oid).as("64-bit OIDs go past 2^40").isEqualTo(limit);
    assertThat(narrow.layout()).isSameAs(OidLayout.COYOTOS_2007);
  }

  @Test
  void capTypesMapToTheObjectTypeTheyName() {
    assertThat(ObjectTable.obTypeOfCap(CapType.PAGE)).isEqualTo(ObType.PAGE);
    assertThat(ObjectTable.obTypeOfCap(CapType.CAP_PAGE)).isEqualTo(ObType.CAP_PAGE);
    assertThat(ObjectTable.obTypeOfCap(CapType.GPT)).isEqualTo(ObType.GPT);
    assertThat(ObjectTable.obTypeOfCap(CapType.PROCESS)).isEqualTo(ObType.PROCESS);
    assertThat(ObjectTable.obTypeOfCap(CapType.ENDPOINT)).isEqualTo(ObType.ENDPOINT);
    assertThat(ObjectTable.obTypeOfCap(CapType.ENTRY)).isEqualTo(ObType.ENDPOINT);
    assertThat(ObjectTable.obTypeOfCap(CapType.APP_NOTICE)).isEqualTo(ObType.ENDPOINT);
    for (int t = 0; t <= 0x10; t++) {
      assertThat(ObjectTable.obTypeOfCap(t)).as("misc 0x%x", t).isEqualTo(-1);
    }
    ObjectTable table = new ObjectTable(OidLayout.WIDE, 10);
    assertThat(table.resolve(CapType.DISCRIM, 1)).isNull();
    assertThat(table.resolve(CapType.PAGE, 10)).as("out of range").isNull();
    assertThat(table.resolve(CapType.APP_NOTICE, 4)).isSameAs(table.get(ObType.ENDPOINT, 4));
  }

  @Test
  void fullCapIsAFullStrengthCapOfTheMatchingTypeWithPageGuard() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 10);
    record Want(int obType, int capType, int word1) {}
    for (Want w :
        List.of(
            new Want(ObType.PAGE, CapType.PAGE, Page.SIZE_BITS),
            new Want(ObType.CAP_PAGE, CapType.CAP_PAGE, Page.SIZE_BITS),
            new Want(ObType.GPT, CapType.GPT, Page.SIZE_BITS),
            new Want(ObType.PROCESS, CapType.PROCESS, 0),
            new Want(ObType.ENDPOINT, CapType.ENDPOINT, 0))) {
      KObject o = t.get(w.obType(), 7);
      o.allocCount = 5;
      Capability c = ObjectTable.fullCap(o);
      assertThat(c.type).isEqualTo(w.capType());
      assertThat(c.restr).isZero();
      assertThat(c.word1()).isEqualTo(w.word1());
      assertThat(c.oid).isEqualTo(7);
      assertThat(c.allocCount).isEqualTo(5);
      assertThat(c.target).isSameAs(o);
    }
  }

  @Test
  void concurrentAllocateFreshHandsOutEachOidOnceDensely() throws Exception {
    int threads = 4;
    int each = 2_000;
    ObjectTable t = new ObjectTable(OidLayout.WIDE, threads * each);
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    List<Long> dups = Collections.synchronizedList(new ArrayList<>());
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        fs.add(
            ex.submit(
                () -> {
                  start.await();
                  for (int k = 0; k < each; k++) {
                    // lookups of another type share nothing with the PROCESS allocator
                    t.get(ObType.ENDPOINT, (k * 7919L) % (threads * each));
                    long oid = t.allocateFresh(ObType.PROCESS).oid;
                    if (!seen.add(oid)) {
                      dups.add(oid);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      ex.shutdownNow();
    }
    assertThat(dups).isEmpty();
    assertThat(seen).hasSize(threads * each);
    assertThat(Collections.max(seen)).isEqualTo(threads * each - 1L);
    assertThatThrownBy(() -> t.allocateFresh(ObType.PROCESS))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void concurrentGetsOfOneOidAgreeOnOneObject() throws Exception {
    int threads = 4;
    for (int round = 0; round < 50; round++) {
      ObjectTable t = new ObjectTable(OidLayout.WIDE, 100);
      CyclicBarrier start = new CyclicBarrier(threads);
      Set<KObject> got = ConcurrentHashMap.newKeySet();
      List<Thread> ts = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Thread th =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        start.await();
                      } catch (Exception e) {
                        throw new RuntimeException(e);
                      }
                      got.add(t.get(ObType.ENDPOINT, 42));
                    });
        ts.add(th);
      }
      for (Thread th : ts) {
        th.join(10_000);
      }
      assertThat(got).as("round %d", round).hasSize(1);
    }
  }

  @Test
  void objectsOnChunkBoundariesAndAtBothEndsOfTheRangeAreFoundAndListedInOidOrder() {
    long bound = 5L * ObjectTable.CHUNK + 7;
    ObjectTable t = new ObjectTable(OidLayout.WIDE, bound);
    long[] oids = {
      bound - 1, 0, ObjectTable.CHUNK - 1, ObjectTable.CHUNK, 3L * ObjectTable.CHUNK + 5, bound - 2
    };
    List<KObject> made = new ArrayList<>();
    for (long oid : oids) {
      made.add(t.get(ObType.ENDPOINT, oid));
    }
    for (int i = 0; i < oids.length; i++) {
      assertThat(t.peek(ObType.ENDPOINT, oids[i])).isSameAs(made.get(i));
      assertThat(made.get(i).oid).isEqualTo(oids[i]);
    }
    List<Long> listed = new ArrayList<>();
    t.all(ObType.ENDPOINT).forEach(o -> listed.add(o.oid));
    assertThat(listed)
        .containsExactly(
            0L,
            (long) ObjectTable.CHUNK - 1,
            (long) ObjectTable.CHUNK,
            3L * ObjectTable.CHUNK + 5,
            bound - 2,
            bound - 1);
    assertThat(t.resident(ObType.ENDPOINT)).isEqualTo(oids.length);
    assertThat(t.all(ObType.PROCESS)).as("other types are untouched").isEmpty();
  }

  @Test
  void oidsPastTheChunkedRangeAreKeptFoundAndListedAfterTheOthers() {
    long high = ObjectTable.DENSE_OIDS + 12_345;
    ObjectTable t = new ObjectTable(OidLayout.WIDE, ObjectTable.DENSE_OIDS + 100_000);
    KObject low = t.get(ObType.GPT, 3);
    KObject far = t.get(ObType.GPT, high);
    assertThat(far.oid).isEqualTo(high);
    assertThat(t.get(ObType.GPT, high)).isSameAs(far);
    assertThat(t.peek(ObType.GPT, high)).isSameAs(far);
    assertThat(t.peek(ObType.GPT, high + 1)).isNull();
    assertThat(t.all(ObType.GPT)).containsExactly(low, far);
    assertThat(t.resident(ObType.GPT)).isEqualTo(2);
  }

  @Test
  void negativeAndOutOfRangeOidsFindNothingAndMakeNothing() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 2L * ObjectTable.CHUNK);
    for (long oid :
        new long[] {-1, Long.MIN_VALUE, 2L * ObjectTable.CHUNK, Long.MAX_VALUE, 1L << 40}) {
      assertThat(t.get(ObType.PROCESS, oid)).as("get %d", oid).isNull();
      assertThat(t.peek(ObType.PROCESS, oid)).as("peek %d", oid).isNull();
    }
    assertThat(t.resident(ObType.PROCESS)).isZero();
    assertThat(t.all(ObType.PROCESS)).isEmpty();
  }
}
