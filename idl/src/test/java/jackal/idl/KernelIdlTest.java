package jackal.idl;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.idl.model.Decl;
import jackal.idl.model.ExceptionDef;
import jackal.idl.model.InterfaceDef;
import jackal.idl.model.MethodDef;
import jackal.idl.model.Model;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KernelIdlTest {
  private static final Model MODEL = KernelIdl.model();

  @Test
  void everyResourceFileIsListedAndParses() throws Exception {
    Path dir = Path.of(KernelIdlTest.class.getResource("/" + KernelIdl.RESOURCE_DIR).toURI());
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(KernelIdl.FILES);
    }
    for (SourceFile f : KernelIdl.sources()) {
      assertThat(CapIdl.parse(f).packageName().dotted()).isEqualTo("coyotos");
    }
  }

  @Test
  void theKernelsInterfacesAreAllThere() {
    for (String n :
        List.of(
            "Cap",
            "Endpoint",
            "Process",
            "Discrim",
            "CapBits",
            "KernLog",
            "Range",
            "Memory",
            "AddressSpace",
            "GPT",
            "Page",
            "CapPage",
            "Window",
            "LocalWindow",
            "AppNotice",
            "Sleep",
            "ProcessHandler",
            "MemoryHandler",
            "SysCtl",
            "Checkpoint",
            "Null")) {
      InterfaceDef i = MODEL.iface("coyotos." + n);
      if (!n.equals("Cap")) {
        assertThat(i.ancestors()).last().extracting(Decl::qualifiedName).isEqualTo("coyotos.Cap");
      }
    }
    assertThat(MODEL.iface("coyotos.LocalWindow").ancestors())
        .extracting(Decl::name)
        .containsExactly("Window", "Memory", "Cap");
    assertThat(MODEL.iface("coyotos.GPT").ancestors())
        .extracting(Decl::name)
        .containsExactly("AddressSpace", "Memory", "Cap");
    assertThat(MODEL.iface("coyotos.Cap").isAbstract()).isTrue();
    assertThat(MODEL.iface("coyotos.Cap").declaredRaises())
        .extracting(Decl::name)
        .containsExactly("InvalidCap", "UnknownRequest", "RequestError", "NoAccess");
    assertThat(MODEL.iface("coyotos.Range").raises())
        .extracting(Decl::name)
        .containsExactly(
            "InvalidCap",
            "UnknownRequest",
            "RequestError",
            "NoAccess",
            "RangeErr",
            "NotMounted",
            "IoErr");
  }

  @Test
  void valuesTheKernelAlsoDefines() {
    var obType = MODEL.lookup("coyotos.Range.obType", jackal.idl.model.EnumDef.class).orElseThrow();
    assertThat(obType.members())
        .extracting(m -> m.name() + "=" + m.value())
        .containsExactly(
            "otPage=0",
            "otCapPage=1",
            "otGPT=2",
            "otProcess=3",
            "otEndpoint=4",
            "otNUM_TYPES=5",
            "otInvalid=4294967295");
    var physOidStart =
        MODEL.lookup("coyotos.Range.physOidStart", jackal.idl.model.ConstDef.class).orElseThrow();
    assertThat(physOidStart.value()).isEqualTo(new BigInteger("ff00000000000000", 16));
    var restrictions =
        MODEL.lookup("coyotos.Memory.restrictions", jackal.idl.model.EnumDef.class).orElseThrow();
    assertThat(restrictions.isBitset()).isTrue();
    assertThat(restrictions.members())
        .extracting(m -> m.longValue())
        .containsExactly(1L, 2L, 4L, 8L, 16L);
    var fc = MODEL.lookup("coyotos.Process.FC", jackal.idl.model.EnumDef.class).orElseThrow();
    assertThat(fc.base().bits()).isEqualTo(8);
    assertThat(fc.member("Startup").orElseThrow().longValue()).isEqualTo(25);
    var capClass =
        MODEL.lookup("coyotos.Discrim.capClass", jackal.idl.model.EnumDef.class).orElseThrow();
    assertThat(capClass.member("clOther").orElseThrow().longValue()).isEqualTo(255);
  }

  /** Codes.java of the kernel, read as text (this module does not depend on the kernel). */
  private static String kernelCodesSource() throws Exception {
    Path rel = Path.of("kernel", "src", "main", "java", "jackal", "kernel", "api", "Codes.java");
    for (Path base = Path.of("").toAbsolutePath(); base != null; base = base.getParent()) {
      Path p = base.resolve(rel);
      if (Files.isRegularFile(p)) {
        return Files.readString(p);
      }
    }
    throw new AssertionError("kernel/src/main/java/jackal/kernel/api/Codes.java not found");
  }

  /**
   * The kernel's Codes.java takes every code from the classes this compiler generates for the
   * kernel IDL ({@code jackal.kernel.idl.coyotos.<Interface>Codes}): no hand-written code is left,
   * and every name it refers to is declared by the IDL with the right kind.
   */
  @Test
  void kernelCodesComeFromTheGeneratedClassesOfTheKernelIdl() throws Exception {
    String src = kernelCodesSource();
    assertThat(src).doesNotContain("CodedName.of(").doesNotContain("oc(\"").doesNotContain("rc(\"");
    Matcher m =
        Pattern.compile(
                "static final (int|long)\\s+(\\w+)\\s*=\\s*(\\w+)Codes\\.([\\w.]+?)(\\s*&[^;]*)?;")
            .matcher(src);
    List<String> checked = new ArrayList<>();
    while (m.find()) {
      String constant = m.group(2);
      String iface = "coyotos." + m.group(3);
      String ref = m.group(4);
      InterfaceDef def = MODEL.iface(iface);
      assertThat(def).as("%s refers to %s, which the IDL declares", constant, iface).isNotNull();
      if (ref.equals("IKT")) {
        assertThat(constant).startsWith("IKT_");
      } else if (ref.startsWith("OC_")) {
        String method = ref.substring(3);
        assertThat(def.allMethods()).as(constant).extracting(MethodDef::name).contains(method);
      } else if (ref.startsWith("RC_")) {
        String ex = ref.substring(3);
        assertThat(def.allExceptions()).as(constant).extracting(ExceptionDef::name).contains(ex);
      } else {
        String member = iface + "." + ref;
        assertThat(MODEL.lookup(member, jackal.idl.model.EnumMember.class))
            .as(constant)
            .isPresent();
      }
      checked.add(constant);
    }
    assertThat(checked)
        .contains(
            "OC_CAP_GET_TYPE",
            "RC_UNKNOWN_REQUEST",
            "IKT_ENDPOINT",
            "OC_PROCESS_IDENTIFY_ENTRY",
            "OC_KERN_LOG_LOG",
            "RC_RANGE_ALLOC_COUNT_ROLLOVER",
            "OC_PROCESS_HANDLER_HANDLE",
            "IKT_NULL",
            "OT_ENDPOINT",
            "CL_APP_NOTICE",
            "SLOT_COHORT");
    assertThat(checked).hasSizeGreaterThanOrEqualTo(80);
  }
}
