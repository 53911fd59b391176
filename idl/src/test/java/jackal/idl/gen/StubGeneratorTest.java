package jackal.idl.gen;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.idl.CapIdl;
import jackal.idl.IdlException;
import jackal.idl.KernelIdl;
import jackal.idl.TestSupport;
import jackal.idl.model.Model;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stubs, skeletons, records and exceptions: their names and shapes, and that they compile
 * (against stand-ins for the few runtime classes they use; the runtime module compiles and runs
 * them for real).
 */
class StubGeneratorTest {
  @TempDir Path tmp;

  /** The runtime API the generated code uses, as signatures only. */
  private static final Map<String, String> RUNTIME =
      Map.of(
          "jackal/kernel/api/ParameterBlock.java",
          """
          package jackal.kernel.api;
          public final class ParameterBlock { public static final int SNDCAP = 9; }
          """,
          "jackal/runtime/Ipc.java",
          """
          package jackal.runtime;
          public final class Ipc {
            public final long[] w = new long[22];
            public Ipc resultInto(int i, long loc) { return this; }
            public int opcode() { return (int) w[1]; }
          }
          """,
          "jackal/runtime/KernelException.java",
          """
          package jackal.runtime;
          public class KernelException extends Exception {
            private static final long serialVersionUID = 1L;
            public KernelException(long code) {}
            protected KernelException(long code, String message) { super(message); }
            public long code() { return 0; }
          }
          """,
          "jackal/runtime/CapReg.java",
          """
          package jackal.runtime;
          public final class CapReg {
            private CapReg() {}
            public static final int ARG0 = 29, ARG1 = 30, ARG2 = 31;
            public static long loc(int r) { return (long) r << 1; }
          }
          """,
          "jackal/runtime/ServerLoop.java",
          """
          package jackal.runtime;
          public final class ServerLoop {
            private ServerLoop() {}
            public interface Handler { void serve(Ipc ipc, Reply reply) throws KernelException; }
            public static final class Reply {
              public Reply() {}
              public void words(int ldw) {}
              public void wordsAndCaps(int ldw, int lastCap) {}
              public void exception(int ldw) {}
            }
          }
          """,
          "jackal/runtime/IdlClient.java",
          """
          package jackal.runtime;
          public abstract class IdlClient {
            protected final Ipc ipc;
            protected final long[] w;
            protected IdlClient(Ipc ipc) { this.ipc = ipc; this.w = ipc.w; }
            public IdlClient stringArea(long addr, int size) { return this; }
            protected final long idlStage(byte[] b) { return 0; }
            protected final long idlStageBase() { return 0; }
            protected static void idlPut(byte[] b, int off, int size, long v) {}
            protected static long idlGet(byte[] b, int off, int size) { return 0; }
            protected final byte[] idlReceivedString(int fixed) { return new byte[fixed]; }
            protected static byte[] idlReceivedSequence(
                byte[] s, int at, long len, int eb, long max) { return new byte[0]; }
            protected final void idlCall(long t, int ldw, int c, int r) throws KernelException {}
            protected final void idlCallReceivingString(long t, int ldw, int c, int r)
                throws KernelException {}
            protected final byte[] idlReceived(long len, int eb, long max) { return new byte[0]; }
            protected final void idlSend(long t, int ldw, int c) {}
            protected KernelException idlException(long code) { return new KernelException(code); }
          }
          """,
          "jackal/runtime/IdlSkeleton.java",
          """
          package jackal.runtime;
          public abstract class IdlSkeleton implements ServerLoop.Handler {
            protected IdlSkeleton() {}
            public final void serve(Ipc ipc, ServerLoop.Reply reply) throws KernelException {
              idlDispatch(ipc, reply);
            }
            protected abstract void idlDispatch(Ipc ipc, ServerLoop.Reply reply)
                throws KernelException;
            public IdlSkeleton stringArea(long addr, int size) { return this; }
            protected static int idlTakeStringLength(Ipc ipc) { return 0; }
            protected static void idlRequireShape(Ipc ipc, int ldw, int caps) throws KernelException {}
            protected static void idlRequireNoString(int n) throws KernelException {}
            protected static byte[] idlRequestString(Ipc ipc, int n, long len, long max, int eb)
                throws KernelException { return new byte[0]; }
            protected static byte[] idlRequestString(Ipc ipc, int n, int fixed, boolean seq)
                throws KernelException { return new byte[0]; }
            protected static byte[] idlRequestSequence(
                byte[] s, int at, long len, long max, int eb) throws KernelException {
              return new byte[0];
            }
            protected final long idlStage(Ipc ipc, byte[] b) { return 0; }
            protected final long idlStageBase() { return 0; }
            protected static void idlPut(byte[] b, int off, int size, long v) {}
            protected static long idlGet(byte[] b, int off, int size) { return 0; }
            protected static KernelException idlUnknownRequest() { return new KernelException(0); }
          }
          """);

  private static GeneratedFile file(List<GeneratedFile> files, String cls) {
    return files.stream().filter(f -> f.className().equals(cls)).findFirst().orElseThrow();
  }

  @Test
  void kernelInterfacesGetClientsServersSkeletonsRecordsAndExceptions() {
    List<GeneratedFile> files =
        new StubGenerator().generate(KernelIdl.model(), new JavaOptions("k"));
    assertThat(files)
        .extracting(GeneratedFile::qualifiedClassName)
        .contains(
            "k.coyotos.CapClient",
            "k.coyotos.CapServer",
            "k.coyotos.CapSkeleton",
            "k.coyotos.RangeClient",
            "k.coyotos.RangeRangeErrException",
            "k.coyotos.CapRequestErrorException",
            "k.coyotos.CapBitsInfo",
            "k.coyotos.ProcessGetStateResult",
            "k.coyotos.RangeIdentifyResult")
        .doesNotContain("k.coyotos.CapCodes");
    assertThat(file(files, "RangeClient").source())
        .contains("public class RangeClient extends CapClient {")
        .contains(
            "public long getCap(long target, long oid, int ty, long resultInto) throws KernelException {")
        .contains("$w[1] = RangeCodes.OC_getCap & 0xFFFF_FFFFL;")
        .contains("$w[3] = (ty & 0xFFFF_FFFFL);")
        .contains("this.ipc.resultInto(0, resultInto);")
        .contains("idlCall(target, 3, 0, 1);")
        .contains("if (code == RangeRangeErrException.CODE) {")
        .contains("return super.idlException(code);");
    assertThat(file(files, "KernLogClient").source())
        .contains("public void log(long target, byte[] msg) throws KernelException {")
        .contains("$w[2] = 256L;")
        .contains("long $base = idlStageBase();")
        .contains("$w[4] = $base;")
        .contains("idlStage($x);");
    assertThat(file(files, "CapBitsClient").source())
        .contains(
            "return new CapBitsInfo(new int[] {(int) $w[1], (int) $w[2], (int) $w[3], (int) $w[4]});");
    assertThat(file(files, "AppNoticeClient").source())
        .contains("public void postNotice(long target, int notices) {")
        .contains("idlSend(target, 2, 0);");
    assertThat(file(files, "EndpointServer").source())
        .contains("public interface EndpointServer extends CapServer {")
        .contains("long makeEntryCap(int payload) throws KernelException;")
        .contains("default long getType() throws KernelException {\n    return EndpointCodes.IKT;");
    assertThat(file(files, "ProcessSkeleton").source())
        .contains("case CapCodes.OC_getType -> $getType($ipc, $reply, $sndLen);")
        .contains("case ProcessCodes.OC_setCapReg -> $setCapReg($ipc, $reply, $sndLen);")
        .contains("default -> throw idlUnknownRequest();")
        .contains("idlRequireShape($ipc, 2, 1);")
        .contains("impl.setCapReg((int) $w[2], CapReg.loc(CapReg.ARG0));");
    assertThat(file(files, "RangeRangeErrException").source())
        .contains("public final class RangeRangeErrException extends KernelException {")
        .contains("public static final long CODE = ")
        .contains("super(CODE, \"coyotos.Range.RangeErr\");");
  }

  @Test
  void everyConstructCompiles() throws Exception {
    Model kernel = KernelIdl.model();
    Model fixtures = TestSupport.compileFixtures("constructs.idl", "other.idl", "layout.idl");
    List<GeneratedFile> files = new ArrayList<>(CapIdl.generateJava(kernel, "gen.k"));
    files.addAll(CapIdl.generateJava(fixtures, "gen.f"));
    Path src = tmp.resolve("src");
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    List<String> args =
        new ArrayList<>(List.of("-d", out.toString(), "-Xlint:all", "-Werror", "-proc:none"));
    for (GeneratedFile f : files) {
      args.add(f.writeTo(src).toString());
    }
    for (var e : RUNTIME.entrySet()) {
      Path p = src.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
      args.add(p.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diag = new ByteArrayOutputStream();
    int rc = javac.run(null, diag, diag, args.toArray(String[]::new));
    assertThat(rc).as(diag.toString(java.nio.charset.StandardCharsets.UTF_8)).isZero();
  }

  @Test
  void fixtureConstructsMapToJava() throws IdlException {
    Model m = TestSupport.compileFixtures("constructs.idl", "other.idl");
    List<GeneratedFile> files = new StubGenerator().generate(m, new JavaOptions("x"));
    String client = file(files, "EverythingClient").source();
    assertThat(client)
        .contains("public class EverythingClient extends BaseClient {")
        .contains("public void notify_(long target, int what) {")
        .contains(
            "public void widths(long target, int i, int u, int w, int w16) throws KernelException {")
        .contains("public float half(long target, double d) throws KernelException {")
        .contains("public void pairs(long target, int[][] p) throws KernelException {")
        .contains("public int[] text(long target, byte[] t) throws KernelException {")
        .contains("if (code == FailureException.CODE) {")
        .doesNotContain(" helper(")
        .doesNotContain(" hidden(");
    assertThat(file(files, "FailureException").source())
        .contains("public FailureException(int code_, boolean fatal) {")
        .contains("public int code_() {");
    assertThat(file(files, "Shape").source())
        .contains("public record Shape(Point origin, Point[] corners) {}");
    String skeleton = file(files, "EverythingSkeleton").source();
    assertThat(skeleton)
        .contains("case EverythingCodes.OC_hidden -> $hidden($ipc, $reply, $sndLen);")
        .contains("} catch (FailureException $e) {")
        .contains("$reply.exception(3);")
        .contains("case 0x4701051a -> $getType($ipc, $reply, $sndLen); // coyotos.Cap.getType")
        .contains("public static final int REQUEST_STRING_BYTES = 256;");
  }

  @Test
  void clashingNamesGetUnderscores() throws IdlException {
    Model m =
        TestSupport.compile(
            """
        package p;
        struct Ipc { long x; };
        interface A { struct b { long y; }; };
        struct AB { long z; };
        interface AClient { void ipc(); long hashCode(long w); };
        """);
    StubNames n = new StubNames(m, new JavaOptions("x"));
    assertThat(n.simple(m.lookup("p.Ipc").orElseThrow(), StubNames.Role.TYPE)).isEqualTo("Ipc_");
    assertThat(n.simple(m.lookup("p.A.b").orElseThrow(), StubNames.Role.TYPE)).isEqualTo("AB_");
    assertThat(n.simple(m.lookup("p.AB").orElseThrow(), StubNames.Role.TYPE)).isEqualTo("AB");
    assertThat(n.simple(m.iface("p.A"), StubNames.Role.CLIENT)).isEqualTo("AClient");
    List<GeneratedFile> files = new StubGenerator().generate(m, new JavaOptions("x"));
    assertThat(file(files, "AClientClient").source())
        .contains("public void ipc_(long target) throws KernelException {")
        .contains("public int hashCode_(long target, int w) throws KernelException {");
  }
}
