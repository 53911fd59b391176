package jackal.idl.gen;

import jackal.idl.layout.CapSlot;
import jackal.idl.layout.ExceptionLayout;
import jackal.idl.layout.MethodLayout;
import jackal.idl.layout.Step;
import jackal.idl.layout.StringSlot;
import jackal.idl.model.ExceptionDef;
import jackal.idl.model.Field;
import jackal.idl.model.InterfaceDef;
import jackal.idl.model.MethodDef;
import jackal.idl.model.Param;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code IClient}: a method per method {@code I} declares (inherited ones come from the base
 * interface's client, which this class extends). A method's parameters are the invoked capability's
 * location ({@code target}), the in-parameters in order, then one location per returned capability
 * saying where it goes ({@code <name>Into}); it fills the request words and send slots as the
 * layout says, calls ({@code oneway}: sends), and builds the result from the reply words, the
 * capability locations and the string area. {@link #write} also overrides {@code idlException} to
 * answer the codes of the exceptions this interface introduces with their generated classes.
 */
final class ClientWriter {
  private final StubNames names;
  private final InterfaceDef iface;
  private final String pkg;
  private final JavaTypes t;
  private final ByteCodec codec;
  private final Marshal marshal;

  ClientWriter(StubNames names, InterfaceDef iface) {
    this.names = names;
    this.iface = iface;
    this.pkg = names.javaPackage(iface);
    this.t = new JavaTypes(names, pkg);
    this.codec = new ByteCodec(t);
    this.marshal = new Marshal(t, codec);
  }

  GeneratedFile write() {
    String cls = names.simple(iface, StubNames.Role.CLIENT);
    String base =
        iface.base().map(b -> names.ref(b, StubNames.Role.CLIENT, pkg)).orElse("IdlClient");
    StringBuilder body = new StringBuilder();
    body.append("  /** A client calling through {@code ipc}. */\n");
    body.append("  public ").append(cls).append("(Ipc ipc) {\n    super(ipc);\n  }\n\n");
    body.append("  @Override\n");
    body.append("  public ").append(cls).append(" stringArea(long addr, int size) {\n");
    body.append("    super.stringArea(addr, size);\n    return this;\n  }\n");
    for (MethodDef m : iface.methods()) {
      if (!m.isClient() && !m.isNostub()) {
        method(body, m);
      }
    }
    exceptions(body);
    body.append(codec.helpers());

    StringBuilder b = new StringBuilder();
    StubGenerator.header(
        b,
        pkg,
        iface,
        "jackal.kernel.api.ParameterBlock",
        "jackal.runtime.IdlClient",
        "jackal.runtime.Ipc",
        "jackal.runtime.KernelException");
    List<String> doc =
        StubGenerator.doc(
            "Client stub of CapIDL "
                + iface.kind()
                + " {@code "
                + iface.qualifiedName()
                + "}"
                + iface.base().map(x -> " (extends {@code " + x.qualifiedName() + "})").orElse("")
                + ": targets and capability arguments are capability locations ({@code CapReg.loc(r)}), "
                + "returned capabilities go to the locations given as {@code ...Into}.",
            iface);
    b.append(JavaNames.javadoc("", doc));
    b.append("public class ").append(cls).append(" extends ").append(base).append(" {\n");
    b.append(body);
    b.append("}\n");
    return new GeneratedFile(pkg, cls, b.toString());
  }

  private void method(StringBuilder b, MethodDef m) {
    MethodLayout l = m.layout();
    Set<String> used = new HashSet<>(Set.of("target"));
    Map<Param, String> in = new HashMap<>();
    List<String> params = new ArrayList<>(List.of("long target"));
    for (Param p : m.inParams()) {
      String n = unique(JavaNames.identifier(p.name()), used);
      in.put(p, n);
      params.add(t.type(p.type()) + " " + n);
    }
    Map<CapSlot, String> into = new HashMap<>();
    for (CapSlot c : l.reply().caps()) {
      String n = unique(intoName(c), used);
      into.put(c, n);
      params.add("long " + n);
    }
    List<Param> outs = m.outParams();
    String ret =
        outs.isEmpty()
            ? "void"
            : outs.size() == 1
                ? t.type(outs.getFirst().type())
                : names.ref(m, StubNames.Role.RESULT, pkg);

    List<String> doc = new ArrayList<>();
    doc.add(
        StubGenerator.code(ConstantsGenerator.signature(m))
            + (m.isOneway() ? ": sent without waiting for a reply." : "."));
    if (m.doc() != null) {
      doc.add(JavaNames.docText(m.doc()));
    }
    doc.add(
        "Request: "
            + JavaNames.docText(l.request().describe())
            + "; reply: "
            + (m.isOneway()
                ? "none"
                : l.reply().describe().isEmpty()
                    ? "empty"
                    : JavaNames.docText(l.reply().describe()))
            + (m.raises().isEmpty() || m.isOneway()
                ? "."
                : "; raises " + StubNames.exceptionList(m.raises()) + "."));
    b.append('\n').append(JavaNames.javadoc("  ", doc));
    b.append("  public ")
        .append(ret)
        .append(' ')
        .append(methodName(m))
        .append('(')
        .append(String.join(", ", params))
        .append(')')
        .append(m.isOneway() ? "" : " throws KernelException")
        .append(" {\n");
    b.append("    long[] $w = this.w;\n");
    String oc = names.codesRef(m.declarer(), pkg) + ".OC_" + m.name();
    marshal.encode(b, "    ", l.request(), in::get, oc, "idlStage(");
    for (CapSlot c : l.reply().caps()) {
      b.append("    this.ipc.resultInto(")
          .append(c.slot())
          .append(", ")
          .append(into.get(c))
          .append(");\n");
    }
    String args = "target, " + l.requestLastWord() + ", " + l.requestCapCount();
    if (m.isOneway()) {
      b.append("    idlSend(").append(args).append(");\n");
    } else {
      b.append("    ")
          .append(l.reply().hasString() ? "idlCallReceivingString(" : "idlCall(")
          .append(args)
          .append(", ")
          .append(l.replyCapCount())
          .append(");\n");
    }
    if (!outs.isEmpty()) {
      if (l.reply().spillBytes() > 0) {
        b.append("    byte[] $str = idlReceivedString(")
            .append(l.reply().dataOffset())
            .append(");\n");
      }
      Marshal.Slots slots = new Marshal.Slots(l.reply());
      List<String> values = new ArrayList<>();
      for (Param p : outs) {
        values.add(marshal.decode(slots, p, List.of(), p.type(), into::get, s -> received(l, s)));
      }
      b.append("    return ")
          .append(
              outs.size() == 1
                  ? values.getFirst()
                  : "new " + ret + "(" + String.join(", ", values) + ")")
          .append(";\n");
    }
    b.append("  }\n");
  }

  private static String received(MethodLayout l, StringSlot s) {
    if (l.reply().spillBytes() > 0) {
      return "idlReceivedSequence($str, "
          + l.reply().dataOffset()
          + ", "
          + Marshal.lengthOf(l.reply())
          + ", "
          + s.elementBytes()
          + ", "
          + s.maxElements()
          + "L)";
    }
    return "idlReceived($w["
        + s.lengthWord()
        + "], "
        + s.elementBytes()
        + ", "
        + s.maxElements()
        + "L)";
  }

  /**
   * {@code resultInto} for the return value, {@code pInto} for out p, {@code pFieldInto} within.
   */
  private static String intoName(CapSlot c) {
    StringBuilder sb = new StringBuilder(c.param().isResult() ? "result" : c.param().name());
    for (Step s : c.path()) {
      switch (s) {
        case Step.Field f -> sb.append(StubNames.capitalize(f.name()));
        case Step.Element e -> sb.append(e.index());
      }
    }
    return sb.append("Into").toString();
  }

  /** The exceptions whose codes this client (rather than its base's) turns into classes. */
  static List<ExceptionDef> introduced(InterfaceDef i) {
    LinkedHashSet<ExceptionDef> set = new LinkedHashSet<>(i.exceptions());
    set.addAll(i.declaredRaises());
    for (MethodDef m : i.methods()) {
      if (!m.isClient()) {
        set.addAll(m.declaredRaises());
      }
    }
    i.base()
        .ifPresent(
            b -> {
              for (InterfaceDef a = b; a != null; a = a.base().orElse(null)) {
                introduced(a).forEach(set::remove);
              }
            });
    return List.copyOf(set);
  }

  private void exceptions(StringBuilder b) {
    List<ExceptionDef> es = introduced(iface);
    if (es.isEmpty()) {
      return;
    }
    b.append("\n  @Override\n");
    b.append("  protected KernelException idlException(long code) {\n");
    if (es.stream().anyMatch(e -> !e.fields().isEmpty())) {
      b.append("    long[] $w = this.w;\n");
    }
    for (ExceptionDef e : es) {
      String cls = names.ref(e, StubNames.Role.TYPE, pkg);
      b.append("    if (code == ").append(cls).append(".CODE) {\n");
      ExceptionLayout el = StubGenerator.layout(e);
      Marshal.Slots slots = new Marshal.Slots(el.words(), List.of(), List.of());
      List<String> fields = new ArrayList<>();
      for (Field f : e.fields()) {
        fields.add(
            marshal.decode(
                slots,
                null,
                List.of(new Step.Field(f.name(), f.type())),
                f.type(),
                c -> {
                  throw new IllegalStateException("capability in an exception");
                },
                s -> {
                  throw new IllegalStateException("string in an exception");
                }));
      }
      b.append("      return new ")
          .append(cls)
          .append('(')
          .append(String.join(", ", fields))
          .append(");\n");
      b.append("    }\n");
    }
    b.append("    return super.idlException(code);\n");
    b.append("  }\n");
  }

  /** Names {@code IdlClient} already uses for its own members. */
  private static final Set<String> BASE_MEMBERS =
      Set.of(
          "ipc",
          "w",
          "stringArea",
          "idlStage",
          "idlStageBase",
          "idlPut",
          "idlGet",
          "idlReceivedString",
          "idlReceivedSequence",
          "idlCall",
          "idlCallReceivingString",
          "idlReceived",
          "idlSend",
          "idlException");

  /** The client method for {@code m}. */
  static String methodName(MethodDef m) {
    String n = JavaTypes.member(m.name());
    return BASE_MEMBERS.contains(n) ? n + "_" : n;
  }

  static String unique(String name, Set<String> used) {
    String n = name;
    while (!used.add(n)) {
      n = n + "_";
    }
    return n;
  }
}
