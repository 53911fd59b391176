package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.runtime.confined.Greeting;
import jackal.runtime.idl.coyotos.RangeClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loader recognises an image it verified by its pages and their write counts, and reads it
 * again when one of them changed or is gone: a stale image never runs, a destroyed one faults.
 */
class ImageRecognitionTest {
  private static final long PROGRAM_JAR = 2L << 32;

  /** A hand-built image of {@link Greeting}, with the pages the tests change. */
  private record Image(
      ProgramSpace space, ObjectRef header, ObjectRef jarPage, List<byte[]> jars) {}

  private static Image image(Kernel k, String entry) {
    byte[][] jars = {Programs.jar(Greeting.class), RuntimeLibrary.jar()};
    long[] addresses = {PROGRAM_JAR, 3L << 32};
    ObjectRef header = k.newPage();
    k.writePage(header, 0, Programs.header(entry, addresses, jars));
    List<ObjectRef> jarPages = new ArrayList<>();
    ObjectRef top = k.newGpt();
    k.setGpt(top, 32, false, false);
    k.setGptSlot(top, 0, Programs.map(k, new byte[8]));
    k.setGptSlot(top, 1, k.restricted(k.cap(header), Restr.READ_ONLY));
    k.setGptSlot(top, 2, k.restricted(pages(k, jars[0], jarPages), Restr.READ_ONLY));
    k.setGptSlot(top, 3, k.restricted(Programs.map(k, jars[1]), Restr.READ_ONLY));
    return new Image(
        new ProgramSpace(k.guarded(k.cap(top), 0, 36), 1L << 32),
        header,
        jarPages.get(0),
        List.of(jars));
  }

  /** Pages holding {@code bytes} under one GPT of 16 pages (at most 64 KiB), each one recorded. */
  private static CapRef pages(Kernel k, byte[] bytes, List<ObjectRef> out) {
    ObjectRef g = k.newGpt();
    k.setGpt(g, 12, false, false);
    for (int i = 0; i * 4096 < bytes.length; i++) {
      ObjectRef pg = k.newPage();
      k.writePage(
          pg, 0, Arrays.copyOfRange(bytes, i * 4096, Math.min(bytes.length, i * 4096 + 4096)));
      k.setGptSlot(g, i, k.cap(pg));
      out.add(pg);
    }
    return k.guarded(k.cap(g), 0, 16);
  }

  private static ObjectRef started(TestSystem s, Programs progs, String name, Image image)
      throws InterruptedException {
    ObjectRef p = progs.process(name, image.space());
    s.k.start(p);
    s.awaitQuiet();
    return p;
  }

  @Test
  void aSecondProcessOfALoadedImageRunsWithoutTheImageBeingReadAgain() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      Image image = image(s.k, Greeting.First.class.getName());
      s.boot();
      ObjectRef one = started(s, progs, "one", image);
      long read = s.k.programImagesRead();
      ObjectRef two = started(s, progs, "two", image);
      assertThat(s.info(one).exited()).isTrue();
      assertThat(s.info(two).exited()).isTrue();
      assertThat(s.console().split("greeting: first", -1)).hasSize(3);
      assertThat(read).isEqualTo(1);
      assertThat(s.k.programImagesRead()).as("read once for both").isEqualTo(1);
    }
  }

  @Test
  void aRewrittenHeaderPageIsReadAgainAndItsNewEntryRuns() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      Image image = image(s.k, Greeting.First.class.getName());
      s.boot();
      started(s, progs, "before", image);
      s.k.writePage(
          image.header(),
          0,
          Programs.header(
              Greeting.Second.class.getName(),
              new long[] {PROGRAM_JAR, 3L << 32},
              image.jars().toArray(new byte[0][])));
      ObjectRef after = started(s, progs, "after", image);
      assertThat(s.info(after).exited()).isTrue();
      assertThat(s.console()).contains("greeting: first").contains("greeting: second");
      assertThat(s.k.programImagesRead()).isEqualTo(2);
    }
  }

  @Test
  void aStoreIntoAnImagePageThroughAnOlderWritableMappingIsSeenAtTheNextLoad() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      Image image = image(s.k, Greeting.First.class.getName());
      // The attacker maps the jar's first page writable and touches it before the image is first
      // loaded, so its translation cache already holds the page for writing when it stores.
      ObjectRef writer =
          s.process(
              "writer",
              sys -> {
                Ipc ipc = new Ipc(sys);
                sys.storeByte(0, sys.loadByte(0)); // unchanged, but cached for writing
                ipc.receive();
                sys.storeInt(0, 0x2A2A_2A2A); // no longer a jar
                ipc.receive();
              });
      s.k.setAddressSpace(writer, s.k.cap(image.jarPage()));
      ObjectRef kick = s.endpoint(writer, 1);
      s.runUntilQuiet(writer);
      ObjectRef before = started(s, progs, "before", image);
      assertThat(s.info(before).exited()).isTrue();
      ObjectRef kicker = s.process("kicker", sys -> new Ipc(sys).send(reg(8), 0, -1, false));
      s.give(kicker, 8, s.k.entry(kick, 0));
      s.k.start(kicker);
      s.awaitQuiet();
      ProcessInfo after = s.info(started(s, progs, "after", image));
      assertThat(after.faultCode()).isEqualTo(FaultCode.BAD_PROGRAM_IMAGE);
      assertThat(s.k.programImagesRead()).isEqualTo(2);
    }
  }

  @Test
  void aStoreThroughACacheEntryFilledByAReadAfterTheLoadIsSeenAtTheNextLoad() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      Image image = image(s.k, Greeting.First.class.getName());
      // The attacker reads the page first (its translation cache then allows stores without a
      // walk for writing), and only then stores.
      ObjectRef writer =
          s.process(
              "writer",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                if (sys.loadByte(0) == 'P') {
                  sys.storeInt(0, 0x2A2A_2A2A);
                }
                ipc.receive();
              });
      s.k.setAddressSpace(writer, s.k.cap(image.jarPage()));
      ObjectRef kick = s.endpoint(writer, 1);
      s.runUntilQuiet(writer);
      ObjectRef before = started(s, progs, "before", image);
      assertThat(s.info(before).exited()).isTrue();
      ObjectRef kicker = s.process("kicker", sys -> new Ipc(sys).send(reg(8), 0, -1, false));
      s.give(kicker, 8, s.k.entry(kick, 0));
      s.k.start(kicker);
      s.awaitQuiet();
      ProcessInfo after = s.info(started(s, progs, "after", image));
      assertThat(after.faultCode()).isEqualTo(FaultCode.BAD_PROGRAM_IMAGE);
    }
  }

  @Test
  void aDestroyedPageOfALoadedImageMakesTheNextLoadFault() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      Image image = image(s.k, Greeting.First.class.getName());
      s.boot();
      ObjectRef before = started(s, progs, "before", image);
      assertThat(s.info(before).exited()).isTrue();
      ObjectRef destroyer =
          s.process(
              "destroyer",
              sys -> new RangeClient(new Ipc(sys)).rescind(reg(TestSystem.RANGE), reg(8)));
      s.give(destroyer, 8, s.k.cap(image.jarPage()));
      s.k.start(destroyer);
      s.awaitQuiet();
      ProcessInfo after = s.info(started(s, progs, "after", image));
      assertThat(after.faultCode()).isEqualTo(FaultCode.INVALID_DATA_REFERENCE);
      assertThat(after.faultInfo()).isEqualTo(PROGRAM_JAR);
    }
  }
}
