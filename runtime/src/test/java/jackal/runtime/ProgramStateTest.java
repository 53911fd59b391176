package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.runtime.confined.CallsInClassInit;
import jackal.runtime.confined.Greeting;
import jackal.runtime.confined.NewAcrossCall;
import jackal.runtime.confined.Persistent;
import jackal.runtime.confined.Uncapturable;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Running programs resume exactly (issue 12): a loaded program's state (its Java frames, statics
 * and heap) is taken at a system call or preemption check, and a process in a fresh kernel, its
 * classes defined by a new loader as after a restart, resumes from those bytes with the same locals
 * and ends with the same result as a run left alone. Bad state bytes are refused with a message and
 * never resume.
 */
class ProgramStateTest {
  private static final Pattern LINE = Pattern.compile("persistent: [^\\n]*");

  private static String line(TestSystem s) {
    Matcher m = LINE.matcher(s.console());
    assertThat(m.find()).as("the program's last line in %s", s.console()).isTrue();
    return m.group();
  }

  /** A one-CPU kernel that makes programs capturable, as one that persists does. */
  private static TestSystem capturing() {
    return new TestSystem(KernelConfig.defaults().withCpus(1).withCapture(true));
  }

  private static ObjectRef persistent(TestSystem s) throws ProgramRefusedException {
    return new Programs(s).process("persistent", Persistent.class);
  }

  /** The line of a run left alone. */
  private static String plainRun() throws Exception {
    try (TestSystem s = new TestSystem(1)) { // a kernel that does not persist: untransformed code
      ObjectRef p = persistent(s);
      s.runUntilQuiet(p);
      assertThat(s.info(p).exited()).as("%s", s.console()).isTrue();
      return line(s);
    }
  }

  /** Runs the program to its end, taking its state after {@code skip} capture points. */
  private static byte[] capture(long skip, String plain) throws Exception {
    try (TestSystem s = capturing()) {
      ObjectRef p = persistent(s);
      var state = s.k.captureProgramState(p, skip);
      s.runUntilQuiet(p);
      assertThat(line(s)).as("a capture leaves the run as it was").isEqualTo(plain);
      return state.get(30, TimeUnit.SECONDS);
    }
  }

  /** A fresh kernel, the same program, resumed from {@code state}: its last line. */
  private static TestSystem resume(byte[] state) throws Exception {
    TestSystem s = capturing();
    ObjectRef p = persistent(s);
    s.k.restoreProgramState(p, state);
    s.runUntilQuiet(p);
    return s;
  }

  @Test
  void aProgramCapturedAtItsFirstCapturePointResumesInAFreshKernelToTheSameResult()
      throws Exception {
    String plain = plainRun();
    byte[] state = capture(0, plain);
    try (TestSystem s = resume(state)) {
      assertThat(line(s)).isEqualTo(plain);
      assertThat(line(s)).endsWith("init=1"); // the static initializer ran once, not again
    }
  }

  @Test
  void programsCapturedAtSeededRandomSystemCallsAndPreemptionChecksResumeWithTheSameLocals()
      throws Exception {
    long seed = System.nanoTime();
    System.out.println(
        "programsCapturedAtSeededRandomSystemCallsAndPreemptionChecksResumeWithTheSameLocals seed "
            + seed);
    Random rnd = new Random(seed);
    String plain = plainRun();
    for (int t = 0; t < 6; t++) {
      long skip = rnd.nextInt(Persistent.STEPS * 10); // a step passes about 11 points
      byte[] state = capture(skip, plain);
      try (TestSystem s = resume(state)) {
        assertThat(line(s)).as("seed %d, captured after %d points", seed, skip).isEqualTo(plain);
      }
    }
  }

  /**
   * Every capture point of the first steps: each step makes two system calls (Yield, one in {@code
   * step}'s loop) and passes about nine preemption checks, so these are points of both kinds, in
   * both frames.
   */
  @Test
  void everyCaptureOfTheFirstStepsResumesToTheSameResult() throws Exception {
    String plain = plainRun();
    for (long skip = 0; skip < 24; skip++) {
      try (TestSystem s = resume(capture(skip, plain))) {
        assertThat(line(s)).as("captured after %d points", skip).isEqualTo(plain);
      }
    }
  }

  @Test
  void aProgramThatCannotBeMadeCapturableIsRefusedAtLoadWithWhereAndWhy() {
    try (TestSystem s = capturing()) {
      Programs progs = new Programs(s);
      assertThatThrownBy(() -> progs.space(Uncapturable.class))
          .isInstanceOf(ProgramRefusedException.class)
          .hasMessageContaining(
              "jackal.runtime.confined.Uncapturable.<init>(Ljackal/runtime/Ipc;)V")
          .hasMessageContaining("at offset")
          .hasMessageContaining("cannot be made capturable")
          .hasMessageContaining("constructor");
    }
  }

  @Test
  void anObjectWhoseConstructorArgumentsMakeASystemCallIsMadeCapturableByTheLoader()
      throws Exception {
    try (TestSystem s = capturing()) {
      ObjectRef p = new Programs(s).process("new-across", NewAcrossCall.class);
      s.runUntilQuiet(p);
      assertThat(s.info(p).exited()).as("%s", s.console()).isTrue();
    }
  }

  /**
   * A system call in a static initializer does not make a program uncapturable: no process can wait
   * there (the continuation is pinned and the kernel refuses the wait), so the loader accepts it,
   * and a capture asked for at any point, those inside the initializer included, is taken at a
   * point where the stack can be saved and resumes to the run's own line, the initializer run once.
   */
  @Test
  void aProgramWhoseStaticInitializerMakesASystemCallLoadsAndResumesFromCapturesAroundIt()
      throws Exception {
    Pattern last = Pattern.compile("class-init-call: acc=[^\\n]*");
    String plain;
    try (TestSystem s = capturing()) {
      ObjectRef p = new Programs(s).process("class-init-call", CallsInClassInit.class);
      s.runUntilQuiet(p);
      assertThat(s.info(p).exited()).as("%s", s.console()).isTrue();
      Matcher m = last.matcher(s.console());
      assertThat(m.find()).as("%s", s.console()).isTrue();
      plain = m.group();
      assertThat(plain).endsWith("init=1");
    }
    int before = 0;
    int after = 0;
    for (long skip = 0; skip < 16; skip++) {
      byte[] state;
      try (TestSystem s = capturing()) {
        ObjectRef p = new Programs(s).process("class-init-call", CallsInClassInit.class);
        var f = s.k.captureProgramState(p, skip);
        s.runUntilQuiet(p);
        assertThat(s.console()).contains(plain);
        state = f.get(30, TimeUnit.SECONDS);
      }
      try (TestSystem s = capturing()) {
        ObjectRef p = new Programs(s).process("class-init-call", CallsInClassInit.class);
        s.k.restoreProgramState(p, state);
        s.runUntilQuiet(p);
        assertThat(s.console()).as("captured after %d points", skip).contains(plain);
        int tables = s.console().split("class-init-call: table", -1).length - 1;
        assertThat(tables).as("initializer runs after the resume, skip %d", skip).isLessThan(2);
        if (tables == 0) {
          after++;
        } else {
          before++;
        }
      }
    }
    assertThat(before).as("captures taken before the initializer ran").isPositive();
    assertThat(after).as("captures taken after it").isPositive();
  }

  @Test
  void corruptedStateBytesAreRefusedWithAClearMessage() throws Exception {
    byte[] state = capture(3, plainRun());
    try (TestSystem s = capturing()) {
      ObjectRef p = persistent(s);
      for (int at : new int[] {0, 5, 9, state.length / 2, state.length - 1}) {
        byte[] bad = state.clone();
        bad[at] ^= 0x20;
        assertThatThrownBy(() -> s.k.restoreProgramState(p, bad))
            .as("byte %d flipped", at)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("bad program state")
            .hasMessageContaining("offset");
      }
      byte[] cut = java.util.Arrays.copyOf(state, state.length - 7);
      assertThatThrownBy(() -> s.k.restoreProgramState(p, cut))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("length");
    }
  }

  /** The image digest a state names (the first field of its body). */
  private static String digest(byte[] state) {
    ByteBuffer b = ByteBuffer.wrap(state, 10, state.length - 10);
    byte[] d = new byte[b.getShort() & 0xffff];
    b.get(d);
    return new String(d, StandardCharsets.UTF_8);
  }

  /** State bytes, checksummed, whose class table names {@code className}. */
  private static byte[] naming(String digest, String className) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(body);
    out.writeUTF(digest);
    out.writeInt(1);
    out.writeUTF(className);
    out.writeInt(0); // statics
    out.writeInt(0); // objects
    out.writeInt(0); // frames
    byte[] b = body.toByteArray();
    ByteBuffer all = ByteBuffer.allocate(14 + b.length);
    all.putInt(0x4a4b5053).putShort((short) 1).putInt(b.length).put(b);
    CRC32C crc = new CRC32C();
    crc.update(all.array(), 0, all.position());
    all.putInt((int) crc.getValue());
    return all.array();
  }

  private static void assertRefusedAtLoad(byte[] crafted, String reason) throws Exception {
    try (TestSystem s = capturing()) {
      ObjectRef p = persistent(s);
      s.k.restoreProgramState(p, crafted); // well-formed: accepted until the image is known
      s.runUntilQuiet(p);
      assertThat(s.info(p).faultCode()).isEqualTo(FaultCode.BAD_PROGRAM_IMAGE);
      assertThat(s.console()).contains(reason).doesNotContain("persistent: ");
    }
  }

  @Test
  void stateNamingAKernelClassOrAnotherProgramsClassIsRefusedAndNeverResumes() throws Exception {
    String digest = digest(capture(2, plainRun()));
    assertRefusedAtLoad(
        naming(digest, "jackal.kernel.obj.Process"),
        "names class jackal.kernel.obj.Process, which is not a class of this program's image");
    assertRefusedAtLoad(
        naming(digest, Greeting.First.class.getName()),
        "names class jackal.runtime.confined.Greeting$First, which is not a class of this");
    assertRefusedAtLoad(
        naming(digest, "java.lang.Runtime"),
        "names class java.lang.Runtime, which is not a class of this program's image");
  }

  @Test
  void stateTakenFromAnotherImageIsRefused() throws Exception {
    byte[] state = capture(2, plainRun());
    try (TestSystem s = capturing()) {
      ObjectRef other = new Programs(s).process("greeting", Greeting.First.class, Greeting.class);
      s.k.restoreProgramState(other, state);
      s.runUntilQuiet(other);
      assertThat(s.info(other).faultCode()).isEqualTo(FaultCode.BAD_PROGRAM_IMAGE);
      assertThat(s.console()).contains("taken from another image").doesNotContain("greeting: ");
    }
  }

  @Test
  void aTrustedProcessHasNoProgramStateToTake() throws Exception {
    try (TestSystem s = capturing()) {
      ObjectRef p = s.process("trusted", sys -> {});
      var f = s.k.captureProgramState(p, 0);
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("trusted kernel-test code");
    }
  }

  @Test
  void aKernelThatDoesNotPersistRefusesToTakeOrRestoreProgramState() throws Exception {
    byte[] state = capture(0, plainRun());
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef p = persistent(s);
      assertThatThrownBy(() -> s.k.captureProgramState(p, 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("KernelConfig.capture is off");
      assertThatThrownBy(() -> s.k.restoreProgramState(p, state))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("KernelConfig.capture is off");
      s.runUntilQuiet(p);
      assertThat(s.info(p).exited()).as("%s", s.console()).isTrue();
    }
  }

  @Test
  void aKernelThatDoesNotPersistLoadsAProgramItCouldNotMakeCapturable() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef p = new Programs(s).process("uncapturable", Uncapturable.class);
      s.runUntilQuiet(p);
      assertThat(s.info(p).exited()).as("%s", s.console()).isTrue();
    }
  }
}
