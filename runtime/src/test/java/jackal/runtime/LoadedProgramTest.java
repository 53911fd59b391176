package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.runtime.confined.Failing;
import jackal.runtime.confined.HonestClient;
import jackal.runtime.confined.HonestServer;
import jackal.runtime.confined.ModernJava;
import jackal.runtime.confined.StaticChannel;
import jackal.runtime.confined.lib.SharedLibraryState;
import jackal.runtime.idl.coyotos.ProcessClient;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Programs loaded from pages: they run, talk IPC, share code but not state, and fail as faults. */
class LoadedProgramTest {

  /** A loaded honest pair: the server on an endpoint, the client holding its Entry cap in APP0. */
  static ObjectRef[] honestPair(TestSystem s, Programs progs) throws Exception {
    ObjectRef server = progs.process("honest-server", HonestServer.class);
    ObjectRef client = progs.process("honest-client", HonestClient.class);
    s.give(client, CapReg.APP0, s.k.entry(s.endpoint(server, 1), 0));
    return new ObjectRef[] {server, client};
  }

  @Test
  void loadedClientAndServerTalkIpcToTheEnd() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      ObjectRef[] pair = honestPair(s, progs);
      s.runUntilQuiet(pair);
      assertThat(s.console()).contains("honest: counted " + HonestClient.CALLS);
      assertThat(s.info(pair[1]).exited()).isTrue();
      assertThat(s.info(pair[0]).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  @Test
  void anEverydayModernJavaProgramLoadsAndRunsUntouched() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef p = progs.process("modern", ModernJava.class);
      s.runUntilQuiet(p);
      assertThat(s.console())
          .as("%s", s.info(p))
          .contains(
              "total=24 colours=r,g,b evens=[2, 4, 6, 8, 10] first=xx twice=42 sb=012"
                  + " words=[fig, pear, apple] rec=Circle[r=5] caught=-1 top=b len=5 block=1");
      assertThat(s.info(p).exited()).isTrue();
    }
  }

  @Test
  void twoProcessesOfOneProgramCannotPassAValueThroughStaticFields() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      // The library segment holds the runtime classes and one more with a public static field:
      // mapped (the same pages) into both processes, like the runtime library.
      TreeMap<String, byte[]> lib = new TreeMap<>(RuntimeLibrary.classes());
      lib.putAll(ClassFiles.of(SharedLibraryState.class));
      var libSeg = s.k.newCodeSegment(ClassFiles.jar(lib));
      var progSeg = s.k.newCodeSegment(Programs.jar(StaticChannel.class));
      ProgramSpace readerSpace =
          s.k.newProgramSpace(StaticChannel.Reader.class.getName(), 1, progSeg, libSeg);
      ProgramSpace writerSpace =
          s.k.newProgramSpace(StaticChannel.Writer.class.getName(), 1, progSeg, libSeg);
      ObjectRef reader = progs.process("reader", readerSpace);
      ObjectRef writer = progs.process("writer", writerSpace);
      s.give(writer, CapReg.APP0, s.k.entry(s.endpoint(reader, 1), 0));
      s.runUntilQuiet(reader, writer);
      assertThat(s.console()).contains("writer kept 42 and 42; reader saw 0 and 0");
    }
  }

  /** A handler that records each fault upcall and, if told to, resumes with the fault cancelled. */
  static ObjectRef recordingHandler(TestSystem s, List<String> saw, boolean resume) {
    return s.process(
        "handler",
        sys -> {
          Ipc ipc = new Ipc(sys);
          ProcessClient processClient = new ProcessClient(new Ipc(sys));
          ipc.receive();
          for (; ; ) {
            saw.add("fc=" + ipc.w[2] + " info=" + ipc.w[3]);
            if (resume) {
              processClient.resume(reg(CapReg.ARG0), true);
            }
            ipc.receive();
          }
        });
  }

  @Test
  void anExceptionEscapingTheProgramIsAProgramExceptionFaultLoggedWithItsTrace() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = recordingHandler(s, saw, false);
      ObjectRef p = progs.process("thrower", Failing.Thrower.class, Failing.class);
      s.k.setHandler(p, s.k.entry(s.endpoint(handler, 9), 0));
      s.runUntilQuiet(handler, p);
      ProcessInfo info = s.info(p);
      assertThat(info.faultCode()).isEqualTo(FaultCode.PROGRAM_EXCEPTION);
      assertThat(info.runState()).isEqualTo(ProcessInfo.FAULTED);
      assertThat(info.exited()).isFalse();
      assertThat(saw).containsExactly("fc=" + FaultCode.PROGRAM_EXCEPTION + " info=0");
      assertThat(s.console())
          .contains("process thrower#")
          .contains("died: java.lang.IllegalStateException: thrown by the program")
          .contains("jackal.runtime.confined.Failing$Thrower.run(Failing.java:");
    }
  }

  @Test
  void aStackOverflowIsAStackOverflowFault() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef p = progs.process("recurser", Failing.Recurser.class, Failing.class);
      s.runUntilQuiet(p);
      assertThat(s.info(p).faultCode()).isEqualTo(FaultCode.STACK_OVERFLOW);
      assertThat(s.console()).contains("died: java.lang.StackOverflowError");
    }
  }

  @Test
  void resumeAfterAProgramFaultRestartsTheProgramFromItsEntry() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = recordingHandler(s, saw, true);
      ObjectRef p = progs.process("fails-once", Failing.FailsOnce.class, Failing.class);
      s.k.setHandler(p, s.k.entry(s.endpoint(handler, 9), 0));
      s.runUntilQuiet(handler, p);
      assertThat(saw).containsExactly("fc=" + FaultCode.PROGRAM_EXCEPTION + " info=0");
      assertThat(s.console()).contains("run 2");
      assertThat(s.info(p).exited()).isTrue();
      assertThat(s.info(p).faultCode()).isZero();
    }
  }

  @Test
  void processInfoTellsAProgramThatReturnedFromOneThatDied() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef returned = progs.process("returns", Failing.Returns.class, Failing.class);
      ObjectRef died = progs.process("thrower", Failing.Thrower.class, Failing.class);
      s.runUntilQuiet(returned, died);
      assertThat(s.info(returned).exited()).isTrue();
      assertThat(s.info(returned).died()).isFalse();
      assertThat(s.info(died).exited()).isFalse();
      assertThat(s.info(died).died()).isTrue();
    }
  }

  @Test
  void setSpaceAndPcOnItselfReplacesTheCallersProgramWithoutReturning() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace replacement = progs.space(Failing.Replacement.class, Failing.class);
      ObjectRef p = progs.process("replacer", Failing.Replacer.class, Failing.class);
      s.give(p, 21, replacement.space());
      s.runUntilQuiet(p);
      assertThat(s.console())
          .contains("replacer runs")
          .contains("replacement runs")
          .doesNotContain("still the replacer");
      assertThat(s.info(p).exited()).isTrue();
    }
  }

  @Test
  void setSpaceAndPcOnAReceivingProcessStartsItsNewProgram() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace replacement = progs.space(Failing.Replacement.class, Failing.class);
      ObjectRef server = progs.process("server", HonestServer.class);
      ObjectRef controller =
          s.process(
              "controller",
              sys ->
                  new jackal.runtime.idl.coyotos.ProcessClient(new Ipc(sys))
                      .setSpaceAndPC(reg(21), reg(22), replacement.pc()));
      s.give(controller, 21, s.k.cap(server));
      s.give(controller, 22, replacement.space());
      s.k.start(server);
      s.boot();
      s.awaitQuiet();
      assertThat(s.info(server).runState()).isEqualTo(ProcessInfo.RECEIVING);
      s.k.start(controller);
      s.awaitQuiet();
      assertThat(s.console()).contains("replacement runs");
      assertThat(s.info(server).exited()).isTrue();
    }
  }

  @Test
  void aRestartOnlyProcessCapabilityCannotReplaceAProgram() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace replacement = progs.space(Failing.Replacement.class, Failing.class);
      ObjectRef server = progs.process("server", HonestServer.class);
      List<Long> codes = new CopyOnWriteArrayList<>();
      ObjectRef attacker =
          s.process(
              "attacker",
              sys -> {
                try {
                  new jackal.runtime.idl.coyotos.ProcessClient(new Ipc(sys))
                      .setSpaceAndPC(reg(21), reg(22), replacement.pc());
                  codes.add(0L);
                } catch (KernelException e) {
                  codes.add(e.code());
                }
              });
      s.give(attacker, 21, s.k.restricted(s.k.cap(server), jackal.kernel.api.Restr.RESTART));
      s.give(attacker, 22, replacement.space());
      s.runUntilQuiet(server, attacker);
      assertThat(codes).containsExactly(jackal.kernel.api.Codes.RC_NO_ACCESS);
      assertThat(s.console()).doesNotContain("replacement runs");
      assertThat(s.info(server).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }
}
