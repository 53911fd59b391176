package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.image.file.ImageFile;
import jackal.image.persist.programs.OneShotServer;
import jackal.image.persist.programs.ReplyReplayer;
import jackal.image.persist.programs.Rescinder;
import jackal.image.persist.programs.Spinner;
import jackal.image.store.Store;
import jackal.image.store.StoreException;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.CheckpointIncompleteException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.kernel.boot.Snapshot;
import jackal.runtime.CapReg;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints written to a store and resumed in a fresh kernel (issue 12). */
class StoreTest {
  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir Path dir;

  /** Every kind of object, with state in each of its fields; the pair queued to start. */
  static void everyKind(Kernel k, Systems.Code code) {
    Systems.Pair pair = Systems.Pair.build(k, code);
    ObjectRef page = k.newPage();
    k.writePage(page, 100, new byte[] {1, 2, 3, 4});
    ObjectRef cp = k.newCapPage();
    k.setCapPageSlot(cp, 7, k.restricted(k.cap(page), Restr.READ_ONLY));
    k.setCapPageSlot(cp, 200, k.kernelCap(KernelService.KERN_LOG));
    ObjectRef gpt = k.newGpt();
    k.setGpt(gpt, 20, true, true);
    k.setGptSlot(gpt, 3, k.guarded(k.cap(cp), 5, 16));
    k.setGptSlot(gpt, 14, k.window(0x4000, 0, 14));
    ObjectRef ep = k.newEndpoint();
    k.setPayloadMatch(ep);
    k.setProtectedPayload(ep, 1234);
    k.setEndpointId(ep, 77);
    k.setRecipient(ep, pair.server());
    ObjectRef idle = k.newProcess("idle");
    k.setCapReg(idle, 9, k.cap(gpt));
    k.setCapReg(idle, 10, k.entry(ep, 1233)); // spent: the endpoint's payload moved on
    k.setCpuMask(idle, 1);
    k.setBrand(idle, k.appNotice(ep, 3));
    k.start(pair.server());
    k.start(pair.client());
  }

  static byte[] imageOf(Kernel builder) {
    return ImageFile.encode(KernelImage.exportFrom(builder));
  }

  /** Resumes the store's system in a fresh builder (not booted). */
  static Kernel resume(Store store) throws Exception {
    Store.Recovered r = store.recover();
    Kernel k = Kernel.create(Systems.config());
    k.resume(r.image(), r.clock(), r.programs());
    return k;
  }

  @Test
  void everyKindOfObjectSurvivesACheckpointAndAResumeInAFreshKernel() throws Exception {
    byte[] before;
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      everyKind(k, Systems.Code.of(k));
      k.checkpoint(store, true, BOUND);
      before = imageOf(k);
    }
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      assertThat(store.generation()).isEqualTo(1);
      assertThat(imageOf(k)).isEqualTo(before);
    }
  }

  @Test
  void anIncrementalCheckpointWritesOnlyTheObjectsChangedSinceTheLast() throws Exception {
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      everyKind(k, Systems.Code.of(k));
      Snapshot first = k.cut(true, BOUND);
      int all = first.objectCount();
      store.write(first);
      first.committed();
      ObjectRef page = k.newPage();
      Snapshot second = k.cut(false, BOUND);
      assertThat(second.objectCount()).isEqualTo(1);
      store.write(second);
      second.committed();
      k.writePage(page, 0, new byte[] {9});
      ObjectRef ep = k.object(4, 0).orElseThrow();
      k.setEndpointId(ep, 5);
      Snapshot third = k.cut(false, BOUND);
      assertThat(third.objectCount()).isEqualTo(2);
      assertThat(third.pageCount()).isEqualTo(1);
      store.write(third);
      third.committed();
      assertThat(all).isGreaterThan(10);
      byte[] before = imageOf(k);
      try (Store again = Store.open(dir);
          Kernel resumed = resume(again)) {
        assertThat(again.recover().generations())
            .extracting(Store.Generation::objects)
            .containsExactly(all, 1, 2);
        assertThat(imageOf(resumed)).isEqualTo(before);
      }
    }
  }

  @Test
  void aRunningSystemIsCheckpointedAndAReplyCapabilityStaysSpentAfterTheResume() throws Exception {
    long server;
    long client;
    long clientReplyEp;
    int payloadAfterCall;
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      Systems.Pair pair = Systems.Pair.build(k, code);
      k.start(pair.server());
      k.start(pair.client());
      k.checkpoint(store, true, BOUND);
      server = pair.server().oid();
      client = pair.client().oid();
      try (Kernel running = k.boot()) {
        assertThat(running.awaitQuiescent(Duration.ofSeconds(30))).isTrue();
        assertThat(Systems.result(running, client)).isEqualTo(42);
        // Both programs returned: no Java stack is left, so the cut needs no program state.
        assertThat(running.checkpoint(store, false, BOUND)).isEqualTo(2);
        clientReplyEp = replyEndpointOid(running, client);
        payloadAfterCall = running.protectedPayload(running.object(4, clientReplyEp).get());
      }
    }
    assertThat(payloadAfterCall).isNotZero();
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      Systems.Code code = Systems.Code.of(k);
      ObjectRef replayer = Systems.process(k, code, "replayer", ReplyReplayer.class);
      k.setCapReg(replayer, CapReg.APP0, k.cap(k.object(3, server).orElseThrow()));
      k.start(replayer);
      try (Kernel running = k.boot()) {
        assertThat(running.awaitQuiescent(Duration.ofSeconds(30))).isTrue();
        assertThat(Systems.result(running, server)).isEqualTo(42);
        assertThat(Systems.result(running, client)).isEqualTo(42);
        assertThat(running.protectedPayload(running.object(4, clientReplyEp).get()))
            .isEqualTo(payloadAfterCall);
        // The server's kept reply capability was spent before the checkpoint: it answers as Null.
        assertThat(Systems.result(running, replayer.oid())).isEqualTo(Codes.RC_UNKNOWN_REQUEST);
        assertThat(running.inspect(running.object(3, client).orElseThrow()).exited()).isTrue();
      }
    }
  }

  /**
   * A destroyed process (rescinded, as a space bank frees one) is left faulted with no program, and
   * so is a process a bank has handed out and nobody has started yet. A checkpoint taken then must
   * resume: such a process has no frames to lose, and stays as it was. (Found when the tour was
   * killed after a checkpoint taken just after its step that destroys a bank: the resume refused
   * the store, naming the process's run state.)
   */
  @Test
  void aRescindedProcessIsCheckpointedAndResumesStillFaultedWithNoProgram() throws Exception {
    long victim;
    long rescinder;
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      ObjectRef v = Systems.process(k, code, "victim", OneShotServer.class);
      ObjectRef r = Systems.process(k, code, "rescinder", Rescinder.class);
      k.setCapReg(r, CapReg.APP0, k.kernelCap(KernelService.RANGE));
      k.setCapReg(r, CapReg.APP0 + 1, k.cap(v));
      k.start(v);
      k.start(r);
      victim = v.oid();
      rescinder = r.oid();
      try (Kernel running = k.boot()) {
        assertThat(running.awaitQuiescent(Duration.ofSeconds(30))).isTrue();
        assertThat(Systems.result(running, rescinder)).isEqualTo(1);
        ProcessInfo gone = running.inspect(running.object(3, victim).orElseThrow());
        assertThat(gone.runState()).isEqualTo(ProcessInfo.FAULTED);
        assertThat(gone.faultCode()).isZero();
        running.checkpoint(store, true, BOUND);
      }
    }
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      ProcessInfo resumed = k.inspect(k.object(3, victim).orElseThrow());
      assertThat(resumed.runState()).isEqualTo(ProcessInfo.FAULTED);
      assertThat(resumed.faultCode()).isZero();
      try (Kernel running = k.boot()) {
        assertThat(running.awaitQuiescent(Duration.ofSeconds(30))).isTrue();
        ProcessInfo after = running.inspect(running.object(3, victim).orElseThrow());
        assertThat(after.runState()).as("it never ran again").isEqualTo(ProcessInfo.FAULTED);
      }
    }
  }

  /** The endpoint named by the REPLYEPT register of process {@code oid}. */
  private static long replyEndpointOid(Kernel running, long oid) {
    return Systems.replyEndpoints.get(oid);
  }

  @Test
  void aResumedKernelsClockContinuesFromTheCheckpointNotFromTheFirstBoot() throws Exception {
    long atCut;
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      everyKind(k, Systems.Code.of(k));
      Snapshot s = k.cut(true, BOUND);
      atCut = s.clock();
      store.write(s);
      s.committed();
    }
    Thread.sleep(50); // time while the system is down
    long before = System.nanoTime();
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      long now = k.clock();
      long after = System.nanoTime();
      assertThat(now).isGreaterThanOrEqualTo(atCut);
      assertThat(now - atCut).isLessThanOrEqualTo(after - before);
    }
  }

  @Test
  void aProgramThatNeverStopsRunningMakesTheCutGiveUpNamingItAndTheSystemRunsOn() throws Exception {
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      ObjectRef spinner = Systems.process(k, code, "spinner", Spinner.class);
      k.start(spinner);
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        while (Systems.result(running, spinner.oid()) == 0) {
          Thread.onSpinWait(); // until it runs
        }
        assertThatThrownBy(() -> running.checkpoint(store, false, Duration.ofMillis(300)))
            .isInstanceOf(CheckpointIncompleteException.class)
            .hasMessageContaining("spinner#" + spinner.oid())
            .hasMessageContaining("program-state codec");
        long seen = Systems.result(running, spinner.oid());
        while (Systems.result(running, spinner.oid()) == seen) {
          Thread.onSpinWait(); // it still runs after the abandoned cut
        }
      }
      assertThat(store.generation()).isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ corruption

  /** A store of two generations; returns the image of the system it holds. */
  private byte[] twoGenerations() throws Exception {
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      everyKind(k, Systems.Code.of(k));
      k.checkpoint(store, true, BOUND);
      k.writePage(k.newPage(), 0, new byte[] {7});
      k.checkpoint(store, false, BOUND);
      return imageOf(k);
    }
  }

  private void flip(Path file, long at) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x5A));
      ch.write(b.flip(), at);
    }
  }

  @Test
  void aFlippedByteInACommittedGenerationIsRefusedNamingTheFileGenerationAndOffset()
      throws Exception {
    twoGenerations();
    Path seg = dir.resolve("log/segment-000001.jkl");
    flip(seg, 8192 + 5000); // inside generation 1, after the segment's two commit slots
    try (Store store = Store.open(dir)) {
      assertThatThrownBy(store::recover)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("log/segment-000001.jkl")
          .hasMessageContaining("generation 1")
          .hasMessageContaining("offset 8232")
          .hasMessageContaining("checksum mismatch");
    }
  }

  @Test
  void aTruncatedLogIsRefusedSayingHowMuchTheHeaderPromised() throws Exception {
    twoGenerations();
    Path seg = dir.resolve("log/segment-000001.jkl");
    long size = Files.size(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(size - 10);
    }
    try (Store store = Store.open(dir)) {
      assertThatThrownBy(store::recover)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("segment-000001.jkl")
          .hasMessageContaining("its first " + size + " are committed");
    }
  }

  @Test
  void aStoreWhoseTwoHeaderCopiesAreBothDamagedIsRefused() throws Exception {
    twoGenerations();
    flip(dir.resolve("jackal.store"), 20);
    flip(dir.resolve("jackal.store"), 4096 + 20);
    assertThatThrownBy(() -> Store.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("jackal.store")
        .hasMessageContaining("neither header copy is valid");
  }

  @Test
  void aDamagedNewestCommitSlotFallsBackToTheOtherAndTheGenerationAfterItStillChecks()
      throws Exception {
    twoGenerations();
    // The clean close wrote slot A naming generation 2; slot B names generation 1.
    flip(dir.resolve("log/segment-000001.jkl"), 20);
    try (Store store = Store.open(dir)) {
      assertThat(store.generation()).isEqualTo(2);
      Store.Recovered r = store.recover();
      assertThat(r.generations()).hasSize(2);
      // Nothing is passed over in silence: the damaged slot is named.
      assertThat(r.note()).contains("commit slot A of log/segment-000001.jkl is damaged");
    }
  }

  @Test
  void aGenerationIsCommittedWithOneForceAndTheSlotNamingTheOneBeforeRidesOnIt() throws Exception {
    FaultyFiles files = new FaultyFiles(dir);
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(files)) {
      everyKind(k, Systems.Code.of(k));
      k.checkpoint(store, true, BOUND);
      for (int i = 0; i < 3; i++) {
        k.writePage(k.newPage(), 0, new byte[] {(byte) i});
        files.arm(FaultyFiles.Fault.TORN_WRITE, Integer.MAX_VALUE, 0); // counts, never fires
        k.checkpoint(store, false, BOUND);
        assertThat(files.forces()).as("forces of checkpoint %d", i + 2).isEqualTo(1);
        // The generation in one write; from the second on, the slot naming the one before it.
        assertThat(files.lengths).hasSize(i == 0 ? 1 : 2);
      }
    }
  }

  /**
   * Three generations written and the directory copied while the store is open, as a SIGKILL leaves
   * it: the newest generation forced, no commit slot naming it yet. Returns the copy.
   */
  private Path killedAfterThreeGenerations() throws Exception {
    Path killed = dir.resolveSibling(dir.getFileName() + "-killed");
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      everyKind(k, Systems.Code.of(k));
      k.checkpoint(store, true, BOUND);
      for (int i = 0; i < 2; i++) {
        k.writePage(k.newPage(), 0, new byte[] {(byte) (i + 1)});
        k.checkpoint(store, false, BOUND);
      }
      Files.createDirectories(killed.resolve("log"));
      for (String f : new String[] {"jackal.store", "log/segment-000001.jkl"}) {
        Files.copy(dir.resolve(f), killed.resolve(f));
      }
    }
    return killed;
  }

  @Test
  void aGenerationThatChecksIsCommittedWithoutASlotAndATornOneIsPassedOverSayingSo()
      throws Exception {
    Path killed = killedAfterThreeGenerations();
    long size;
    try (Store store = Store.open(killed)) {
      assertThat(store.generation()).isEqualTo(3);
      Store.Recovered r = store.recover();
      assertThat(r.note()).isNull();
      size = r.generations().getLast().offset() + r.generations().getLast().length();
    }
    // Generation 3 torn: its last ten bytes never reached the disk.
    Path seg = killed.resolve("log/segment-000001.jkl");
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(size - 10);
    }
    try (Store store = Store.open(killed)) {
      assertThat(store.generation()).isEqualTo(2);
      assertThat(store.recover().note()).contains("past the committed end");
    }
  }

  @Test
  void aDamagedGenerationFollowedByACommittedOneIsRefusedNotTakenForATornTail() throws Exception {
    Path killed = killedAfterThreeGenerations();
    long gen2;
    try (Store store = Store.open(killed)) {
      gen2 = store.recover().generations().get(1).offset();
    }
    Path seg = killed.resolve("log/segment-000001.jkl");
    // Slot A names generation 2 (written with generation 3): damage it, so that generations 2 and
    // 3 are both past the newest good slot (B, naming 1); then damage generation 2's body.
    flip(seg, 20);
    flip(seg, gen2 + 100);
    try (Store store = Store.open(killed)) {
      assertThatThrownBy(store::recover)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("generation 2")
          .hasMessageContaining("offset " + (gen2 + 40))
          .hasMessageContaining("generation 3 follows it");
    }
  }

  @Test
  void aGenerationPlantedInATornTailIsNeverTakenAfterTheNextCheckpoint() throws Exception {
    // Attack: bytes a crash left past the commit (a torn generation holds programs' pages) that
    // form a whole generation, placed where the next, shorter generation will end. Were the tail
    // left in place, a scan after that generation would take the planted one as committed.
    Path killed = killedAfterThreeGenerations();
    Path honest = dir.resolveSibling(dir.getFileName() + "-honest");
    Path attacked = dir.resolveSibling(dir.getFileName() + "-attacked");
    for (Path p : new Path[] {honest, attacked}) {
      Files.createDirectories(p.resolve("log"));
      for (String f : new String[] {"jackal.store", "log/segment-000001.jkl"}) {
        Files.copy(killed.resolve(f), p.resolve(f));
      }
    }
    long nextLength = nextGeneration(honest);
    Path seg = attacked.resolve("log/segment-000001.jkl");
    byte[] log = Files.readAllBytes(seg);
    Store.Generation third;
    try (Store store = Store.open(attacked)) {
      third = store.recover().generations().getLast();
    }
    // The planted generation: generation 3's bytes, renumbered 5, its head's CRC made good.
    ByteBuffer planted =
        ByteBuffer.wrap(
            java.util.Arrays.copyOfRange(
                log, (int) third.offset(), (int) (third.offset() + third.length())));
    planted.putLong(16, 5);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(planted.array(), 0, 36);
    planted.putInt(36, (int) crc.getValue());
    long end = third.offset() + third.length();
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate((int) nextLength), end); // the torn generation 4: zeros
      ch.write(planted, end + nextLength);
    }
    try (Store store = Store.open(attacked)) {
      assertThat(store.generation()).isEqualTo(3);
    }
    assertThat(nextGeneration(attacked)).isEqualTo(nextLength);
    try (Store store = Store.open(attacked)) {
      assertThat(store.generation()).isEqualTo(4);
      assertThat(Files.size(seg)).isEqualTo(end + nextLength);
    }
  }

  /** Resumes the store in {@code d}, changes one page, checkpoints: the new generation's length. */
  private static long nextGeneration(Path d) throws Exception {
    try (Store store = Store.open(d);
        Kernel k = resume(store)) {
      k.writePage(k.newPage(), 0, new byte[] {5});
      k.checkpoint(store, false, BOUND);
      return store.recover().generations().getLast().length();
    }
  }

  @Test
  void aHeaderFileLeftEmptyByAKillDuringCreationIsAStoreThatHoldsNoSystemYet() throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve("jackal.store"), new byte[0]);
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      assertThat(store.holdsSystem()).isFalse();
      everyKind(k, Systems.Code.of(k));
      k.checkpoint(store, true, BOUND);
    }
    try (Store store = Store.open(dir)) {
      assertThat(store.generation()).isEqualTo(1);
    }
  }

  @Test
  void aStoreOfFormatVersion1IsRefusedSayingItIsNotConverted() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(4096);
    b.put(new byte[] {(byte) 0x89, 'J', 'K', 'L', 'S', 'T', 'O', 'R'});
    b.putShort((short) 1).putShort((short) 0).putInt(0).putLong(3).putLong(1).putLong(500);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b.array(), 0, 4092);
    b.putInt(4092, (int) crc.getValue());
    Files.createDirectories(dir);
    Files.write(dir.resolve("jackal.store"), b.array());
    assertThatThrownBy(() -> Store.open(dir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("jackal.store")
        .hasMessageContaining("format version 1; this Jackal reads version 2")
        .hasMessageContaining("boot the image into a new store");
  }

  @Test
  void compactionRewritesTheLogAsOneGenerationAndKeepsTheSystem() throws Exception {
    byte[] before = twoGenerations();
    try (Store store = Store.open(dir)) {
      store.compact();
      assertThat(Files.exists(dir.resolve("log/segment-000001.jkl"))).isFalse();
      assertThat(store.recover().generations()).hasSize(1);
    }
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      assertThat(store.generation()).isEqualTo(3);
      assertThat(imageOf(k)).isEqualTo(before);
    }
  }
}
