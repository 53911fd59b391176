package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.confined.Attacks;
import jackal.runtime.confined.HonestClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of code the verifier refuses, tried by a hostile program: refused with a message
 * naming the class, method, bytecode offset and member when the image is built, and refused again
 * (a PROGRAM_REFUSED fault on the process, delivered to its handler) when an image built by hand is
 * loaded anyway, while an honest loaded client/server pair keeps counting.
 */
class VerifierAttackTest {
  private static Arguments javac(Class<?> attack, String expected) {
    return Arguments.of(
        attack.getSimpleName(),
        attack.getName(),
        (Supplier<byte[]>) () -> Programs.jar(attack),
        expected);
  }

  private static Arguments handMade(String what, String entry, Supplier<byte[]> jar, String m) {
    return Arguments.of(what, entry, jar, m);
  }

  static Stream<Arguments> attacks() {
    return Stream.of(
        javac(
            Attacks.ForName.class,
            "program refused: jackal.runtime.confined.Attacks$ForName.run(Ljackal/kernel/api/SystemCalls;)V at offset 2 reaches java.lang.Class.forName(Ljava/lang/String;)Ljava/lang/Class;: not on the allow-list"),
        javac(
            Attacks.DeclaredFields.class,
            "program refused: jackal.runtime.confined.Attacks$DeclaredFields.run(Ljackal/kernel/api/SystemCalls;)V at offset 8 reaches java.lang.Class.getDeclaredFields()[Ljava/lang/reflect/Field;: not on the allow-list"),
        javac(
            Attacks.Lookup.class,
            "program refused: jackal.runtime.confined.Attacks$Lookup.run(Ljackal/kernel/api/SystemCalls;)V at offset 2 reaches java.lang.invoke.MethodHandles.lookup()Ljava/lang/invoke/MethodHandles$Lookup;: not on the allow-list"),
        javac(
            Attacks.SpawnThread.class,
            "program refused: jackal.runtime.confined.Attacks$SpawnThread.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches java.lang.Thread: type not on the allow-list"),
        javac(
            Attacks.ExtendsThread.class,
            "program refused: jackal.runtime.confined.Attacks$ExtendsThread reaches java.lang.Thread: a program class may not extend or implement it"),
        javac(
            Attacks.Executor.class,
            "program refused: jackal.runtime.confined.Attacks$Executor.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches java.util.concurrent.Executors.newSingleThreadExecutor()Ljava/util/concurrent/ExecutorService;: not on the allow-list"),
        javac(
            Attacks.UsesThreadLocal.class,
            "program refused: jackal.runtime.confined.Attacks$UsesThreadLocal.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches java.lang.ThreadLocal: type not on the allow-list"),
        javac(
            Attacks.Sleeps.class,
            "program refused: jackal.runtime.confined.Attacks$Sleeps.run(Ljackal/kernel/api/SystemCalls;)V at offset 3 reaches java.lang.Thread.sleep(J)V: not on the allow-list"),
        javac(
            Attacks.Finalizer.class,
            "program refused: jackal.runtime.confined.Attacks$Finalizer.finalize()V: finalizers are not allowed (the JVM would run them on its own thread)"),
        javac(
            Attacks.Halt.class,
            "program refused: jackal.runtime.confined.Attacks$Halt.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches java.lang.Runtime.getRuntime()Ljava/lang/Runtime;: not on the allow-list"),
        javac(
            Attacks.Exit.class,
            "program refused: jackal.runtime.confined.Attacks$Exit.run(Ljackal/kernel/api/SystemCalls;)V at offset 2 reaches java.lang.System.exit(I)V: not on the allow-list"),
        javac(
            Attacks.Property.class,
            "program refused: jackal.runtime.confined.Attacks$Property.run(Ljackal/kernel/api/SystemCalls;)V at offset 4 reaches java.lang.System.getProperty(Ljava/lang/String;)Ljava/lang/String;: not on the allow-list"),
        javac(
            Attacks.ReadsFile.class,
            "program refused: jackal.runtime.confined.Attacks$ReadsFile.run(Ljackal/kernel/api/SystemCalls;)V at offset 8 reaches java.nio.file.Path.of(Ljava/lang/String;[Ljava/lang/String;)Ljava/nio/file/Path;: not on the allow-list"),
        javac(
            Attacks.Socket.class,
            "program refused: jackal.runtime.confined.Attacks$Socket.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches java.net.ServerSocket: type not on the allow-list"),
        javac(
            Attacks.StartsProcess.class,
            "program refused: jackal.runtime.confined.Attacks$StartsProcess.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches java.lang.ProcessBuilder: type not on the allow-list"),
        javac(
            Attacks.SynchronizedBlock.class,
            "program refused: jackal.runtime.confined.Attacks$SynchronizedBlock.run(Ljackal/kernel/api/SystemCalls;)V at offset 3 reaches monitorenter: monitors are not allowed (a process is single-threaded)"),
        javac(
            Attacks.SynchronizedMethod.class,
            "program refused: jackal.runtime.confined.Attacks$SynchronizedMethod.run(Ljackal/kernel/api/SystemCalls;)V: synchronized methods are not allowed (a process is single-threaded)"),
        javac(
            Attacks.Waits.class,
            "program refused: jackal.runtime.confined.Attacks$Waits.run(Ljackal/kernel/api/SystemCalls;)V at offset 4 reaches java.lang.Object.wait(J)V: not on the allow-list"),
        Arguments.of(
            "Sub (notifyAll inherited through a program class)",
            Attacks.Sub.class.getName(),
            (Supplier<byte[]>) () -> Programs.jar(Attacks.Sub.class, Attacks.Base.class),
            "program refused: jackal.runtime.confined.Attacks$Sub.run(Ljackal/kernel/api/SystemCalls;)V at offset 7 reaches java.lang.Object.notifyAll()V: not on the allow-list"),
        javac(
            Attacks.Regex.class,
            "program refused: jackal.runtime.confined.Attacks$Regex.run(Ljackal/kernel/api/SystemCalls;)V at offset 4 reaches java.util.regex.Pattern.compile(Ljava/lang/String;)Ljava/util/regex/Pattern;: not on the allow-list"),
        javac(
            Attacks.Matches.class,
            "program refused: jackal.runtime.confined.Attacks$Matches.run(Ljackal/kernel/api/SystemCalls;)V at offset 6 reaches java.lang.String.matches(Ljava/lang/String;)Z: not on the allow-list"),
        javac(
            Attacks.Split.class,
            "program refused: jackal.runtime.confined.Attacks$Split.run(Ljackal/kernel/api/SystemCalls;)V at offset 6 reaches java.lang.String.split(Ljava/lang/String;)[Ljava/lang/String;: not on the allow-list"),
        javac(
            Attacks.UsesStringBuffer.class,
            "program refused: jackal.runtime.confined.Attacks$UsesStringBuffer.run(Ljackal/kernel/api/SystemCalls;)V at offset 2 reaches java.lang.StringBuffer: type not on the allow-list"),
        javac(
            Attacks.UsesVector.class,
            "program refused: jackal.runtime.confined.Attacks$UsesVector.run(Ljackal/kernel/api/SystemCalls;)V at offset 2 reaches java.util.Vector: type not on the allow-list"),
        javac(
            Attacks.UsesHashtable.class,
            "program refused: jackal.runtime.confined.Attacks$UsesHashtable.run(Ljackal/kernel/api/SystemCalls;)V at offset 2 reaches java.util.Hashtable: type not on the allow-list"),
        javac(
            Attacks.SynchronizedList.class,
            "program refused: jackal.runtime.confined.Attacks$SynchronizedList.run(Ljackal/kernel/api/SystemCalls;)V at offset 7 reaches java.util.Collections.synchronizedList(Ljava/util/List;)Ljava/util/List;: not on the allow-list"),
        javac(
            Attacks.Loader.class,
            "program refused: jackal.runtime.confined.Attacks$Loader.run(Ljackal/kernel/api/SystemCalls;)V at offset 6 reaches java.lang.Class.getClassLoader()Ljava/lang/ClassLoader;: not on the allow-list"),
        javac(
            Attacks.Native.class,
            "program refused: jackal.runtime.confined.Attacks$Native.poke(J)J: native methods are not allowed"),
        javac(
            Attacks.Foreign.class,
            "program refused: jackal.runtime.confined.Attacks$Foreign.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches java.lang.foreign.Arena.ofConfined()Ljava/lang/foreign/Arena;: not on the allow-list"),
        javac(
            Attacks.SharedRandom.class,
            "program refused: jackal.runtime.confined.Attacks$SharedRandom.run(Ljackal/kernel/api/SystemCalls;)V at offset 2 reaches java.lang.Math.random()D: not on the allow-list"),
        javac(
            Attacks.ParallelStream.class,
            "program refused: jackal.runtime.confined.Attacks$ParallelStream.run(Ljackal/kernel/api/SystemCalls;)V at offset 17 reaches java.util.List.parallelStream()Ljava/util/stream/Stream;: not on the allow-list"),
        javac(
            Attacks.MethodRef.class,
            "program refused: jackal.runtime.confined.Attacks$MethodRef.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches java.lang.Runtime.getRuntime()Ljava/lang/Runtime;: not on the allow-list"),
        javac(
            Attacks.Intern.class,
            "program refused: jackal.runtime.confined.Attacks$Intern.run(Ljackal/kernel/api/SystemCalls;)V at offset 14 reaches java.lang.String.intern()Ljava/lang/String;: not on the allow-list"),
        handMade(
            "Continuation.pin",
            "hand.Pin",
            HandMadeAttacks::pinsContinuation,
            "program refused: hand.Pin.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches jdk.internal.vm.Continuation.pin()V: not on the allow-list"),
        handMade(
            "sun.misc.Unsafe",
            "hand.Unsafe",
            HandMadeAttacks::readsUnsafe,
            "program refused: hand.Unsafe.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches sun.misc.Unsafe.theUnsafe:Lsun/misc/Unsafe;: not on the allow-list"),
        handMade(
            "jdk.internal.misc.Unsafe",
            "hand.InternalUnsafe",
            HandMadeAttacks::internalUnsafe,
            "program refused: hand.InternalUnsafe.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches jdk.internal.misc.Unsafe.getUnsafe()Ljdk/internal/misc/Unsafe;: not on the allow-list"),
        handMade(
            "class in java.lang",
            "java.lang.Evil",
            HandMadeAttacks::inJavaLang,
            "program refused: java.lang.Evil reaches package java.*: a program class may not be declared there"),
        handMade(
            "class in the kernel's package",
            "jackal.kernel.invoke.Evil",
            HandMadeAttacks::inKernelPackage,
            "program refused: jackal.kernel.invoke.Evil reaches package jackal.kernel.*: a program class may not be declared there"),
        handMade(
            "own bootstrap",
            "hand.OwnBootstrap",
            HandMadeAttacks::ownBootstrap,
            "program refused: hand.OwnBootstrap.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches bootstrap hand.OwnBootstrap.bsm(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;: only the lambda, string-concat, record and switch bootstraps are allowed"),
        handMade(
            "dynamic constant",
            "hand.Condy",
            HandMadeAttacks::dynamicConstant,
            "program refused: hand.Condy.run(Ljackal/kernel/api/SystemCalls;)V at offset 0 reaches dynamic constant x: dynamic constants are not allowed"),
        handMade(
            "bare monitorenter",
            "hand.Monitor",
            HandMadeAttacks::bareMonitor,
            "program refused: hand.Monitor.run(Ljackal/kernel/api/SystemCalls;)V at offset 7 reaches monitorenter: monitors are not allowed (a process is single-threaded)"),
        handMade(
            "wait inherited through program classes",
            "hand.Heir",
            HandMadeAttacks::inheritedWait,
            "program refused: hand.Heir.run(Ljackal/kernel/api/SystemCalls;)V at offset 1 reaches java.lang.Object.wait()V: not on the allow-list"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void refusedWhenItsImageIsBuilt(String what, String entry, Supplier<byte[]> jar, String expected)
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      assertThatThrownBy(() -> progs.space(entry, jar.get()))
          .isInstanceOf(ProgramRefusedException.class)
          .hasMessage(expected)
          .satisfies(
              e ->
                  assertThat(((ProgramRefusedException) e).faultCode())
                      .isEqualTo(FaultCode.PROGRAM_REFUSED));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void refusedAgainWhenLoadedAnywayWhileAnHonestPairKeepsCounting(
      String what, String entry, Supplier<byte[]> jar, String expected) throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = LoadedProgramTest.recordingHandler(s, saw, false);
      ProgramSpace raw = progs.rawSpace(entry, jar.get());
      ObjectRef hostile = progs.process("hostile", raw);
      s.k.setHandler(hostile, s.k.entry(s.endpoint(handler, 9), 0));
      ObjectRef[] pair = LoadedProgramTest.honestPair(s, progs);
      s.runUntilQuiet(handler, pair[0], hostile, pair[1]);
      assertThat(s.info(hostile).faultCode()).isEqualTo(FaultCode.PROGRAM_REFUSED);
      assertThat(saw).containsExactly("fc=" + FaultCode.PROGRAM_REFUSED + " info=" + raw.pc());
      assertThat(s.console()).contains("process hostile#").contains(expected);
      assertThat(s.console()).contains("honest: counted " + HonestClient.CALLS);
    }
  }
}
