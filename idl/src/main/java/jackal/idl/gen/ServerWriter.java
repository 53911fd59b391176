package jackal.idl.gen;

import jackal.idl.layout.CapSlot;
import jackal.idl.layout.ExceptionLayout;
import jackal.idl.layout.MethodLayout;
import jackal.idl.layout.StringSlot;
import jackal.idl.layout.WordSlot;
import jackal.idl.model.ExceptionDef;
import jackal.idl.model.InterfaceDef;
import jackal.idl.model.MethodDef;
import jackal.idl.model.Param;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the server side of interface {@code I}: the Java interface {@code IServer} an
 * implementation provides, and {@code ISkeleton}, the {@code ServerLoop.Handler} that serves it.
 *
 * <p>The skeleton dispatches on the opcode (every method callable on {@code I}, inherited ones
 * included; {@code Cap.getType} always), checks the request's shape as the kernel's {@code
 * requireArgs} does, unmarshals the arguments (a capability argument is the register it arrived in:
 * ARG0..ARG2 for send slots 1..3), calls the implementation and marshals what it returns into the
 * reply (a returned capability is a location the server names). An exception with fields that the
 * implementation throws goes back with its fields; any other {@code KernelException} goes back as
 * its code.
 */
final class ServerWriter {
  private final StubNames names;
  private final InterfaceDef iface;
  private final String pkg;
  private final JavaTypes t;
  private final ByteCodec codec;
  private final Marshal marshal;

  ServerWriter(StubNames names, InterfaceDef iface) {
    this.names = names;
    this.iface = iface;
    this.pkg = names.javaPackage(iface);
    this.t = new JavaTypes(names, pkg);
    this.codec = new ByteCodec(t);
    this.marshal = new Marshal(t, codec);
  }

  // ------------------------------------------------------------------ IServer

  GeneratedFile server() {
    String cls = names.simple(iface, StubNames.Role.SERVER);
    StringBuilder b = new StringBuilder();
    StubGenerator.header(b, pkg, iface, "jackal.runtime.KernelException");
    List<String> doc =
        StubGenerator.doc(
            "Server side of CapIDL "
                + iface.kind()
                + " {@code "
                + iface.qualifiedName()
                + "}: what an implementation served by {@link "
                + names.simple(iface, StubNames.Role.SKELETON)
                + "} provides. Capability arguments are "
                + "the registers they arrived in; a returned capability is the location of the one to "
                + "send. Throwing a {@code KernelException} (a generated one for an IDL exception) "
                + "answers with that exception.",
            iface);
    b.append(JavaNames.javadoc("", doc));
    b.append("public interface ").append(cls);
    iface
        .base()
        .ifPresent(x -> b.append(" extends ").append(names.ref(x, StubNames.Role.SERVER, pkg)));
    b.append(" {\n");
    boolean first = true;
    for (MethodDef m : iface.methods()) {
      if (m.isClient()) {
        continue;
      }
      b.append(first ? "" : "\n");
      first = false;
      List<String> md = new ArrayList<>();
      md.add(StubGenerator.code(ConstantsGenerator.signature(m)) + ".");
      if (m.doc() != null) {
        md.add(JavaNames.docText(m.doc()));
      }
      if (!m.raises().isEmpty()) {
        md.add("May raise " + StubNames.exceptionList(m.raises()) + ".");
      }
      if (m.qualifiedName().equals(StubGenerator.GET_TYPE)) {
        md.add("By default, this interface's type code.");
      }
      b.append(JavaNames.javadoc("  ", md));
      String sig =
          returnType(m)
              + " "
              + JavaTypes.member(m.name())
              + "("
              + params(m)
              + ") throws KernelException";
      if (m.qualifiedName().equals(StubGenerator.GET_TYPE)) {
        b.append("  default ").append(sig).append(" {\n");
        b.append("    return ").append(names.codesRef(iface, pkg)).append(".IKT;\n  }\n");
      } else {
        b.append("  ").append(sig).append(";\n");
      }
    }
    Optional<MethodDef> getType =
        iface.allMethods().stream()
            .filter(m -> m.qualifiedName().equals(StubGenerator.GET_TYPE))
            .findFirst();
    if (getType.isPresent() && getType.get().declarer() != iface) {
      MethodDef m = getType.get();
      b.append(first ? "" : "\n");
      b.append(JavaNames.javadoc("  ", List.of("This interface's type code, unless overridden.")));
      b.append("  @Override\n");
      b.append("  default ")
          .append(returnType(m))
          .append(' ')
          .append(JavaTypes.member(m.name()))
          .append("() throws KernelException {\n");
      b.append("    return ").append(names.codesRef(iface, pkg)).append(".IKT;\n  }\n");
    }
    b.append("}\n");
    return new GeneratedFile(pkg, cls, b.toString());
  }

  private String returnType(MethodDef m) {
    List<Param> outs = m.outParams();
    return outs.isEmpty()
        ? "void"
        : outs.size() == 1
            ? t.type(outs.getFirst().type())
            : names.ref(m, StubNames.Role.RESULT, pkg);
  }

  private String params(MethodDef m) {
    List<String> ps = new ArrayList<>();
    for (Param p : m.inParams()) {
      ps.add(t.type(p.type()) + " " + JavaNames.identifier(p.name()));
    }
    return String.join(", ", ps);
  }

  // ------------------------------------------------------------------ ISkeleton

  GeneratedFile skeleton() {
    String cls = names.simple(iface, StubNames.Role.SKELETON);
    String server = names.simple(iface, StubNames.Role.SERVER);
    List<MethodDef> methods = iface.allMethods().stream().filter(m -> !m.isClient()).toList();
    boolean hasGetType =
        methods.stream().anyMatch(m -> m.qualifiedName().equals(StubGenerator.GET_TYPE));
    Map<Integer, String> codes = new HashMap<>();
    for (MethodDef m : methods) {
      String other = codes.put(m.code(), m.qualifiedName());
      if (other != null) {
        throw new IllegalStateException(
            "methods "
                + other
                + " and "
                + m.qualifiedName()
                + " of "
                + iface.qualifiedName()
                + " have the same code");
      }
    }
    if (!hasGetType && codes.containsKey(StubGenerator.GET_TYPE_CODE)) {
      throw new IllegalStateException(
          codes.get(StubGenerator.GET_TYPE_CODE) + " has the code of " + StubGenerator.GET_TYPE);
    }

    StringBuilder body = new StringBuilder();
    for (MethodDef m : methods) {
      method(body, m);
    }
    if (!hasGetType) {
      body.append(
          "\n  private void $getType(Ipc $ipc, ServerLoop.Reply $reply, int $sndLen)"
              + " throws KernelException {\n");
      body.append("    idlRequireShape($ipc, 1, 0);\n");
      body.append("    idlRequireNoString($sndLen);\n");
      body.append("    $ipc.w[1] = ").append(names.codesRef(iface, pkg)).append(".IKT;\n");
      body.append("    $reply.words(1);\n  }\n");
    }
    body.append(codec.helpers());

    StringBuilder b = new StringBuilder();
    StubGenerator.header(
        b,
        pkg,
        iface,
        "jackal.kernel.api.ParameterBlock",
        "jackal.runtime.CapReg",
        "jackal.runtime.IdlSkeleton",
        "jackal.runtime.Ipc",
        "jackal.runtime.KernelException",
        "jackal.runtime.ServerLoop");
    List<String> doc =
        StubGenerator.doc(
            "Serves CapIDL "
                + iface.kind()
                + " {@code "
                + iface.qualifiedName()
                + "} through a {@link "
                + server
                + "}: register it with a {@code ServerLoop}. Requests "
                + "that do not have their method's exact shape are answered RequestError, unknown opcodes "
                + "UnknownRequest, and a runtime exception out of the implementation RequestError.",
            iface);
    b.append(JavaNames.javadoc("", doc));
    b.append("public final class ").append(cls).append(" extends IdlSkeleton {\n");
    b.append(
        JavaNames.javadoc(
            "  ",
            List.of(
                "The receive bound, in bytes, a server must offer ({@code Ipc.stringBuffer}) for the "
                    + "largest indirect string any request may carry (its sequence or string, and "
                    + "the arguments past the data words).")));
    b.append("  public static final int REQUEST_STRING_BYTES = ")
        .append(requestStringBytes(methods))
        .append(";\n\n");
    b.append("  private final ").append(server).append(" impl;\n\n");
    b.append("  /** A skeleton passing requests to {@code impl}. */\n");
    b.append("  public ").append(cls).append('(').append(server).append(" impl) {\n");
    b.append("    this.impl = java.util.Objects.requireNonNull(impl, \"impl\");\n  }\n\n");
    b.append("  @Override\n");
    b.append("  public ").append(cls).append(" stringArea(long addr, int size) {\n");
    b.append("    super.stringArea(addr, size);\n    return this;\n  }\n\n");
    b.append("  @Override\n");
    b.append(
        "  protected void idlDispatch(Ipc $ipc, ServerLoop.Reply $reply) throws KernelException {\n");
    b.append("    int $sndLen = idlTakeStringLength($ipc);\n");
    b.append("    switch ($ipc.opcode()) {\n");
    for (MethodDef m : methods) {
      b.append("      case ")
          .append(names.codesRef(m.declarer(), pkg))
          .append(".OC_")
          .append(m.name())
          .append(" -> $")
          .append(m.name())
          .append("($ipc, $reply, $sndLen);\n");
    }
    if (!hasGetType) {
      b.append("      case ")
          .append(JavaNames.hex(StubGenerator.GET_TYPE_CODE))
          .append(" -> $getType($ipc, $reply, $sndLen); // ")
          .append(StubGenerator.GET_TYPE)
          .append('\n');
    }
    b.append("      default -> throw idlUnknownRequest();\n");
    b.append("    }\n  }\n");
    b.append(body);
    b.append("}\n");
    return new GeneratedFile(pkg, cls, b.toString());
  }

  private static long requestStringBytes(List<MethodDef> methods) {
    long max = 0;
    for (MethodDef m : methods) {
      long n = m.layout().request().maxStringBytes();
      max = Math.max(max, n < 0 ? 65536 : Math.min(n, 65536));
    }
    return max;
  }

  private void method(StringBuilder out, MethodDef m) {
    MethodLayout l = m.layout();
    out.append("\n  /** ")
        .append(StubGenerator.code(ConstantsGenerator.signature(m)))
        .append(
            m.declarer() == iface
                ? ""
                : ", declared by {@code " + m.declarer().qualifiedName() + "}")
        .append(". */\n");
    out.append("  private void $")
        .append(m.name())
        .append("(Ipc $ipc, ServerLoop.Reply $reply, int $sndLen) throws KernelException {\n");
    StringBuilder b = new StringBuilder(); // the body: $w is declared only if it is used
    b.append("    idlRequireShape($ipc, ")
        .append(l.requestLastWord())
        .append(", ")
        .append(l.requestCapCount())
        .append(");\n");
    Optional<StringSlot> in = l.request().string();
    if (l.request().spillBytes() > 0) {
      b.append("    byte[] $str = idlRequestString($ipc, $sndLen, ")
          .append(l.request().dataOffset())
          .append(", ")
          .append(in.isPresent())
          .append(");\n");
      in.ifPresent(
          s ->
              b.append("    byte[] $in = idlRequestSequence($str, ")
                  .append(l.request().dataOffset())
                  .append(", ")
                  .append(Marshal.lengthOf(l.request()))
                  .append(", ")
                  .append(s.maxElements())
                  .append("L, ")
                  .append(s.elementBytes())
                  .append(");\n"));
    } else if (in.isPresent()) {
      StringSlot s = in.get();
      b.append("    byte[] $in = idlRequestString($ipc, $sndLen, $w[")
          .append(s.lengthWord())
          .append("], ")
          .append(s.maxElements())
          .append("L, ")
          .append(s.elementBytes())
          .append(");\n");
    } else {
      b.append("    idlRequireNoString($sndLen);\n");
    }
    Marshal.Slots slots = new Marshal.Slots(l.request());
    List<String> args = new ArrayList<>();
    for (Param p : m.inParams()) {
      args.add(marshal.decode(slots, p, List.of(), p.type(), ServerWriter::argument, s -> "$in"));
    }
    List<Param> outs = m.outParams();
    String ret = returnType(m);
    String call = "impl." + JavaTypes.member(m.name()) + "(" + String.join(", ", args) + ");\n";
    List<ExceptionDef> withFields = withFields(m);
    if (withFields.isEmpty()) {
      b.append("    ").append(outs.isEmpty() ? "" : ret + " $r = ").append(call);
    } else {
      if (!outs.isEmpty()) {
        b.append("    ").append(ret).append(" $r;\n");
      }
      b.append("    try {\n");
      b.append("      ").append(outs.isEmpty() ? "" : "$r = ").append(call);
      for (ExceptionDef e : withFields) {
        exceptionReply(b, e);
      }
      b.append("    }\n");
    }
    if (!outs.isEmpty()) {
      List<String> comps = StubGenerator.resultNames(m);
      Map<Param, String> value = new HashMap<>();
      for (int k = 0; k < outs.size(); k++) {
        value.put(outs.get(k), outs.size() == 1 ? "$r" : "$r." + comps.get(k) + "()");
      }
      marshal.encode(b, "    ", l.reply(), value::get, null, "idlStage($ipc, ");
    }
    if (l.replyCapCount() == 0) {
      b.append("    $reply.words(").append(l.replyLastWord()).append(");\n");
    } else {
      b.append("    $reply.wordsAndCaps(")
          .append(l.replyLastWord())
          .append(", ")
          .append(l.replyCapCount() - 1)
          .append(");\n");
    }
    if (b.indexOf("$w[") >= 0) {
      out.append("    long[] $w = $ipc.w;\n");
    }
    out.append(b).append("  }\n");
  }

  /** A capability argument: the server register its send slot arrives in. */
  private static String argument(CapSlot c) {
    return "CapReg.loc(CapReg.ARG" + (c.slot() - 1) + ")";
  }

  /** The exceptions with fields {@code m} may raise: they go back with their fields. */
  private List<ExceptionDef> withFields(MethodDef m) {
    LinkedHashSet<ExceptionDef> set = new LinkedHashSet<>(m.raises());
    set.addAll(iface.raises());
    return set.stream().filter(e -> !e.fields().isEmpty()).toList();
  }

  private void exceptionReply(StringBuilder b, ExceptionDef e) {
    String cls = names.ref(e, StubNames.Role.TYPE, pkg);
    ExceptionLayout el = StubGenerator.layout(e);
    b.append("    } catch (").append(cls).append(" $e) {\n");
    for (var f : e.fields()) {
      marshal.lengthChecks(
          b, "      ", f.type(), "$e." + StubGenerator.exceptionMember(f.name()) + "()", f.name());
    }
    b.append("      $w[1] = ").append(cls).append(".CODE;\n");
    for (WordSlot w : el.words()) {
      if (w.role() != WordSlot.Role.VALUE) {
        continue;
      }
      var first = (jackal.idl.layout.Step.Field) w.path().getFirst();
      String root = "$e." + StubGenerator.exceptionMember(first.name()) + "()";
      String leaf = Marshal.leaf(root, w.path().subList(1, w.path().size()), JavaTypes::member);
      b.append("      $w[")
          .append(w.word())
          .append("] = ")
          .append(t.toWord(w.type(), leaf))
          .append(";\n");
    }
    b.append("      $reply.exception(").append(el.lastWord()).append(");\n");
    b.append("      return;\n");
  }
}
