package jackal.kernel.load.capture;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.io.ByteArrayInputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.ObjectVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.SimpleVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.UninitializedVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.VerificationTypeInfo;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.StackInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a program's Java frames capturable at its capture points (system calls and preemption
 * checks), the technique of Kilim and Apache Commons Javaflow adapted to unwinding by exception.
 *
 * <p>A method is <em>capturable</em> if it can reach a capture point: it calls one, or calls a
 * program method (or a lambda whose body is a program method) that can. Constructors and static
 * initializers are never transformed. In a capturable method, each call that can reach a capture
 * point is a <em>site</em>, and becomes:
 *
 * <pre>
 *        xstore spill_n ... xstore spill_1   (the operand stack, arguments included, to fresh
 *                                             locals; only when the stack is not empty)
 * RELOAD xload spill_1 ... xload spill_n
 * START  invoke ...                           (covered by: catch Unwind -> SAVE)
 * END    ...
 * </pre>
 *
 * and the method gains, at its entry, {@code if (Capture.restoring != 0) goto RESTORE} (the
 * JVM-wide {@code jackal.confined.Capture} of {@link CaptureClasses}), and after its code:
 *
 * <pre>
 * RESTORE  f = Capture.restore(id); if (f == null) goto BEGIN (another thread restores);
 *          switch (site(f)) { case k: goto R_k }
 * R_k      each live local (spills included) = f.getX(slot), cast to its type; goto RELOAD_k
 * SAVE_k   long[] p, Object[] r (one slot each); each live local to p or r (primitives as raw
 *          bits); Capture.save(id, k, p, r); rethrow
 * </pre>
 *
 * The live types at each site come from the stack map frame the class file library computes there
 * (the transform first makes each site a branch target to get one). The catch entries come before
 * every handler of the program's own, and each covers one call instruction, so no program handler
 * (not even {@code catch (Throwable)} or {@code finally}) sees an unwind; the SAVE blocks lie
 * outside every protected range. With nothing requested, a site costs nothing but its exception
 * table entry and the spill moves (which the JIT removes); a method's entry costs a read of a
 * static field and a branch.
 *
 * <p>Refused, with class, method, offset and reason ({@link NotCapturable}):
 *
 * <ul>
 *   <li>an object under construction ({@code new T} whose constructor has not run yet) on the
 *       operand stack or in a local across a site, as in {@code new T(f())} where {@code f} can
 *       reach a capture point: it cannot be saved, nor re-created as the same uninitialized value;
 *   <li>a system call made from a constructor, directly or through program methods: constructors
 *       are not transformed, so a process parked in that call could never be captured. A preemption
 *       check there is allowed: a capture requested while such a frame is on the stack is refused
 *       at run time ({@link Capture#unwindHere} returns false) and the kernel asks again at the
 *       next check.
 * </ul>
 *
 * A system call made from a static initializer is accepted: it can never leave the process waiting
 * there (the JVM runs an initializer from its own native code, which pins the continuation, and the
 * kernel refuses a wait it cannot yield for), so a capture asked for during it is answered at the
 * first point after the initializer returns, like one asked for during a preemption check in a
 * constructor. Except in an enum or an interface, whose static initializer runs again when a
 * process resumes (their statics are not all restored as data): a system call there is refused,
 * since it would be made twice.
 *
 * <p>Accepted without change of meaning: recursion, exception handlers around a site, loops, every
 * primitive type and references on the stack or in locals, lambda bodies (ordinary private methods;
 * the lambda proxy between the caller and the body forwards its arguments and holds nothing), and
 * calls through interfaces. A capture requested while a JDK method is between two program frames (a
 * program's lambda run by {@code List.forEach}) is refused at run time, like a constructor frame.
 */
public final class CaptureTransform {
  private CaptureTransform() {}

  /** What a call is, for capture. */
  public enum Kind {
    /** An ordinary call. */
    NONE,
    /** A preemption check: may capture; allowed where no capture can happen. */
    PREEMPTION_CHECK,
    /** A system call: may capture, and a process may stay parked in it. */
    SYSTEM_CALL
  }

  /** Which calls are capture points. */
  @FunctionalInterface
  public interface CapturePoints {
    /** The kind of a call of {@code owner.name descriptor} (owner in internal form). */
    Kind kind(String owner, String name, String descriptor);

    /** The kernel's: {@code jackal.confined.Poll.check()} and {@code SystemCalls.trap}. */
    static CapturePoints kernel() {
      return (owner, name, descriptor) -> {
        if (owner.equals("jackal/confined/Poll") && name.equals("check")) {
          return Kind.PREEMPTION_CHECK;
        }
        if (owner.equals("jackal/kernel/api/SystemCalls") && name.equals("trap")) {
          return Kind.SYSTEM_CALL;
        }
        return Kind.NONE;
      };
    }
  }

  /** The transformed classes (by binary name, every class of the program) and where they stop. */
  public record Result(Map<String, byte[]> classes, CapturePlan plan) {}

  static final ClassDesc STATE = CaptureClasses.STATE;
  static final ClassDesc UNWIND = CaptureClasses.UNWIND;
  private static final ClassDesc OBJECTS = CaptureClasses.OBJECTS;
  private static final ClassDesc LONGS = CaptureClasses.LONGS;
  private static final ClassDesc ISE = ClassDesc.of("java.lang.IllegalStateException");

  /**
   * Makes {@code program} (class files by binary name: the whole program, since whether a method
   * can reach a capture point depends on the methods it calls) capturable.
   *
   * @param outside resolves the classes the program uses that are not its own (the JDK, the
   *     runtime's API), for the stack map frames
   * @throws NotCapturable with every refusal found
   */
  public static Result transform(
      Map<String, byte[]> program, CapturePoints points, ClassHierarchyResolver outside)
      throws NotCapturable {
    Map<String, ClassModel> models = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : program.entrySet()) {
      ClassModel m = ClassFile.of().parse(e.getValue());
      models.put(m.thisClass().asInternalName(), m);
    }
    ClassHierarchyResolver resolver =
        ClassHierarchyResolver.ofResourceParsing(
                (ClassDesc d) -> {
                  byte[] b = program.get(binaryName(d));
                  return b == null ? null : new ByteArrayInputStream(b);
                })
            .orElse(outside);
    ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver));
    Analysis a = new Analysis(models, points);
    a.run();

    List<CaptureRefusal> refusals = new ArrayList<>(a.refusals);
    Map<String, byte[]> out = new LinkedHashMap<>();
    Map<String, int[]> sites = new HashMap<>();
    Map<String, int[]> passages = new HashMap<>();
    for (Map.Entry<String, byte[]> e : program.entrySet()) {
      ClassModel model = cf.parse(e.getValue());
      String owner = model.thisClass().asInternalName();
      if (!a.hasTransformed(model)) {
        out.put(e.getKey(), e.getValue());
        continue;
      }
      model = hoist(cf, model, a);
      Map<String, List<StackMapFrameInfo>> probe = probe(cf, model, a);
      List<CaptureRefusal> here = new ArrayList<>();
      for (MethodModel m : model.methods()) {
        if (a.transformed(owner, m)) {
          here.addAll(uninitialized(model, m, a, probe.get(key(m))));
        }
      }
      Set<String> copies = new HashSet<>();
      for (MethodModel m : model.methods()) {
        if (a.transformed(owner, m)) {
          copies.add(restoreName(m) + m.methodType().stringValue());
        }
      }
      for (MethodModel m : model.methods()) {
        if (copies.contains(key(m))) {
          here.add(
              new CaptureRefusal(
                  owner.replace('/', '.'),
                  key(m),
                  0,
                  "the name of a method is the one the loader gives a restore copy; rename it"));
        }
      }
      refusals.addAll(here);
      if (!here.isEmpty()) {
        continue;
      }
      final ClassModel source = model;
      byte[] b =
          cf.transformClass(
              model,
              (clb, ce) -> {
                if (ce instanceof MethodModel m && a.transformed(owner, m)) {
                  CodeModel code = m.code().orElseThrow();
                  List<StackMapFrameInfo> at = probe.get(key(m));
                  clb.transformMethod(
                      m,
                      (mb, me) -> {
                        if (me instanceof CodeModel) {
                          mb.withCode(cb -> new Emit(owner, m, code, a, at, cb).emitMethod(source));
                        } else {
                          mb.with(me);
                        }
                      });
                  clb.withMethodBody(
                      restoreName(m),
                      m.methodTypeSymbol(),
                      ClassFile.ACC_PRIVATE
                          | ClassFile.ACC_SYNTHETIC
                          | (m.flags().has(AccessFlag.STATIC) ? ClassFile.ACC_STATIC : 0),
                      cb -> new Emit(owner, m, code, a, at, cb).emitRestoreCopy());
                } else {
                  clb.with(ce);
                }
              });
      out.put(e.getKey(), b);
      sitesOf(cf.parse(b), copies, sites, passages);
    }
    if (!refusals.isEmpty()) {
      throw new NotCapturable(refusals);
    }
    return new Result(out, new CapturePlan(models.keySet(), sites, passages));
  }

  private static String binaryName(ClassDesc d) {
    String desc = d.descriptorString();
    return desc.startsWith("L") ? desc.substring(1, desc.length() - 1).replace('/', '.') : desc;
  }

  /** The prefix of a restore copy's name: the copy of {@code m} is {@code $jackal$restore$m}. */
  static final String RESTORE_PREFIX = "$jackal$restore$";

  /** The name of the restore copy of {@code m} (same descriptor, private, synthetic). */
  static String restoreName(MethodModel m) {
    return RESTORE_PREFIX + m.methodName().stringValue();
  }

  private static String key(MethodModel m) {
    return m.methodName().stringValue() + m.methodType().stringValue();
  }

  static String id(String owner, MethodModel m) {
    return owner + "." + key(m);
  }

  // ---------------------------------------------------------------- analysis

  /** Which methods can reach a capture point, and which a system call. */
  private static final class Analysis {
    final Map<String, ClassModel> models;
    final CapturePoints points;

    /** Names and descriptors a program method or lambda can be called by, that reach a point. */
    final Set<String> reach = new HashSet<>();

    /** The same, for system calls only. */
    final Set<String> reachSys = new HashSet<>();

    /** Methods ({@link #id}) that reach a point. */
    final Set<String> reaching = new HashSet<>();

    final List<CaptureRefusal> refusals = new ArrayList<>();

    Analysis(Map<String, ClassModel> models, CapturePoints points) {
      this.models = models;
      this.points = points;
    }

    void run() {
      boolean changed = true;
      while (changed) {
        changed = false;
        for (ClassModel c : models.values()) {
          String owner = c.thisClass().asInternalName();
          for (MethodModel m : c.methods()) {
            Set<String> sig = Set.of(key(m));
            boolean ctor = isCtor(m);
            if (m.code().isEmpty()) {
              continue;
            }
            boolean r = false;
            boolean s = false;
            for (CodeElement e : m.code().orElseThrow()) {
              if (e instanceof InvokeInstruction inv) {
                Kind k = kind(inv);
                r |= k != Kind.NONE || (programCall(inv) && reach.contains(sig(inv)));
                s |= k == Kind.SYSTEM_CALL || (programCall(inv) && reachSys.contains(sig(inv)));
              } else if (e instanceof InvokeDynamicInstruction indy) {
                String body = lambdaBody(indy);
                if (body != null && reach.contains(body)) {
                  changed |= reach.add(lambdaSam(indy));
                }
                if (body != null && reachSys.contains(body)) {
                  changed |= reachSys.add(lambdaSam(indy));
                }
              }
            }
            if (r) {
              changed |= reaching.add(id(owner, m));
              if (!ctor) {
                changed |= reach.addAll(sig);
              }
            }
            if (s && !ctor) {
              changed |= reachSys.addAll(sig);
            }
          }
        }
      }
      // A constructor's call can wait, and a process waiting there could never be captured. A
      // static initializer's cannot (the JVM runs the initializer from its own native code, so the
      // continuation is pinned and the kernel refuses the wait), and a capture asked for while it
      // runs waits for a point outside it; but an enum's or an interface's initializer runs again
      // when a process resumes (CaptureAccessors), which would make its calls twice.
      for (ClassModel c : models.values()) {
        boolean rerun = initializedAgainOnResume(c);
        for (MethodModel m : c.methods()) {
          boolean ctor = m.methodName().equalsString("<init>");
          if ((ctor || (rerun && m.methodName().equalsString("<clinit>")))
              && m.code().isPresent()) {
            refuseSystemCalls(c, m, ctor);
          }
        }
      }
    }

    /** Whether a resume runs {@code c}'s static initializer again: an interface's or an enum's. */
    private boolean initializedAgainOnResume(ClassModel c) {
      for (ClassModel k = c; k != null; ) {
        if (k.flags().has(AccessFlag.INTERFACE) || k.flags().has(AccessFlag.ENUM)) {
          return true;
        }
        String sup = k.superclass().map(e -> e.asInternalName()).orElse("");
        if (sup.equals("java/lang/Enum")) {
          return true;
        }
        k = models.get(sup);
      }
      return false;
    }

    private void refuseSystemCalls(ClassModel c, MethodModel m, boolean ctor) {
      CodeModel code = m.code().orElseThrow();
      List<CodeElement> els = code.elementList();
      int[] bci = offsets(els);
      for (int i = 0; i < els.size(); i++) {
        if (els.get(i) instanceof InvokeInstruction inv
            && (kind(inv) == Kind.SYSTEM_CALL
                || (programCall(inv) && reachSys.contains(sig(inv))))) {
          refusals.add(
              new CaptureRefusal(
                  c.thisClass().asInternalName().replace('/', '.'),
                  key(m),
                  bci[i],
                  (kind(inv) == Kind.SYSTEM_CALL
                          ? "a system call"
                          : "a call that can reach a system call (" + sig(inv) + ")")
                      + (ctor
                          ? " in a constructor, whose frame cannot be captured while the call"
                              + " waits"
                          : " in the static initializer of an enum or interface, which runs"
                              + " again when the process resumes and would make the call twice")
                      + "; make the call from an ordinary method"));
        }
      }
    }

    Kind kind(InvokeInstruction inv) {
      return points.kind(
          inv.owner().asInternalName(), inv.name().stringValue(), inv.type().stringValue());
    }

    /** Whether {@code inv} may run a program method (by its name and descriptor). */
    boolean programCall(InvokeInstruction inv) {
      if (inv.name().stringValue().startsWith("<")) {
        return false;
      }
      return switch (inv.opcode()) {
        case INVOKEVIRTUAL, INVOKEINTERFACE -> true;
        default -> models.containsKey(inv.owner().asInternalName());
      };
    }

    boolean isSite(InvokeInstruction inv) {
      return kind(inv) != Kind.NONE || (programCall(inv) && reach.contains(sig(inv)));
    }

    static String sig(InvokeInstruction inv) {
      return inv.name().stringValue() + inv.type().stringValue();
    }

    /** The body ({@code name+descriptor}) of a lambda made by {@code indy}, if a program's. */
    String lambdaBody(InvokeDynamicInstruction indy) {
      if (!indy.bootstrapMethod()
              .owner()
              .descriptorString()
              .equals("Ljava/lang/invoke/LambdaMetafactory;")
          || indy.bootstrapArgs().size() < 2
          || !(indy.bootstrapArgs().get(1) instanceof DirectMethodHandleDesc impl)
          || !models.containsKey(internal(impl.owner()))) {
        return null;
      }
      return impl.methodName() + impl.lookupDescriptor();
    }

    /** The interface method ({@code name+descriptor}) a lambda made by {@code indy} implements. */
    static String lambdaSam(InvokeDynamicInstruction indy) {
      return indy.name().stringValue()
          + ((MethodTypeDesc) indy.bootstrapArgs().getFirst()).descriptorString();
    }

    boolean transformed(String owner, MethodModel m) {
      return !isCtor(m) && m.code().isPresent() && reaching.contains(id(owner, m));
    }

    boolean hasTransformed(ClassModel c) {
      String owner = c.thisClass().asInternalName();
      for (MethodModel m : c.methods()) {
        if (transformed(owner, m)) {
          return true;
        }
      }
      return false;
    }
  }

  private static boolean isCtor(MethodModel m) {
    return m.methodName().stringValue().startsWith("<");
  }

  private static String internal(ClassDesc d) {
    String s = d.descriptorString();
    return s.substring(1, s.length() - 1);
  }

  /** The bytecode offset of each element (a pseudo-instruction: the next instruction's). */
  static int[] offsets(List<CodeElement> els) {
    int[] out = new int[els.size()];
    int bci = 0;
    for (int i = 0; i < els.size(); i++) {
      out[i] = bci;
      if (els.get(i) instanceof Instruction ins) {
        bci +=
            switch (ins) {
              case TableSwitchInstruction t -> 1 + pad(bci) + 12 + 4 * t.cases().size();
              case LookupSwitchInstruction l -> 1 + pad(bci) + 8 + 8 * l.cases().size();
              default -> ins.sizeInBytes();
            };
      }
    }
    return out;
  }

  private static int pad(int bci) {
    return 3 - (bci & 3);
  }

  // ---------------------------------------------------------------- objects under construction

  /**
   * Moves {@code new T; dup} after the constructor's arguments where computing them can reach a
   * capture point, as in {@code new T(f())}: {@code f()}, its arguments spilled to fresh locals,
   * then {@code new T; dup}, the arguments reloaded, the constructor called. The object under
   * construction is then never on the stack across a site. The one visible difference: T's static
   * initializer, if it has not run yet, runs after the arguments are computed instead of before
   * (docs/DEVIATIONS.md). Only the pattern javac emits ({@code new} directly followed by {@code
   * dup}) is moved; anything else is left, and refused if it spans a site.
   */
  private static ClassModel hoist(ClassFile cf, ClassModel model, Analysis a) {
    String owner = model.thisClass().asInternalName();
    boolean any = false;
    Map<String, Set<Integer>> byMethod = new HashMap<>();
    for (MethodModel m : model.methods()) {
      if (a.transformed(owner, m)) {
        Set<Integer> moved = hoisted(m.code().orElseThrow().elementList(), a);
        byMethod.put(key(m), moved);
        any |= !moved.isEmpty();
      }
    }
    if (!any) {
      return model;
    }
    byte[] b;
    try {
      b =
          cf.transformClass(
              model,
              ClassTransform.transformingMethods(
                  (mb, me) -> {
                    Set<Integer> moved =
                        me instanceof CodeModel code
                            ? byMethod.getOrDefault(key(code.parent().orElseThrow()), Set.of())
                            : Set.of();
                    if (me instanceof CodeModel code && !moved.isEmpty()) {
                      // transformCode, not withCode: new locals go above the method's own.
                      mb.transformCode(code, new Hoisting(moved));
                    } else {
                      mb.with(me);
                    }
                  }));
    } catch (IllegalArgumentException e) {
      return model; // the stack did not add up without the moved new: see below
    }
    if (!cf.verify(b).isEmpty()) {
      // The dup'ed object was used some other way than javac's pattern: leave the method as it
      // was, and the check for objects under construction refuses it.
      return model;
    }
    return cf.parse(b);
  }

  /**
   * The element indices to move: for each {@code new} (followed by {@code dup}) whose constructor
   * call has a site between them, the {@code new}, the {@code dup} and the constructor call.
   */
  private static Set<Integer> hoisted(List<CodeElement> els, Analysis a) {
    Set<Integer> out = new HashSet<>();
    java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
    List<Integer> sitesSeen = new ArrayList<>();
    for (int i = 0; i < els.size(); i++) {
      CodeElement e = els.get(i);
      if (e instanceof NewObjectInstruction
          && i + 1 < els.size()
          && els.get(i + 1) instanceof StackInstruction st
          && st.opcode() == Opcode.DUP) {
        open.push(i);
      } else if (e instanceof InvokeInstruction inv
          && inv.opcode() == Opcode.INVOKESPECIAL
          && inv.name().equalsString("<init>")
          && !open.isEmpty()
          && ((NewObjectInstruction) els.get(open.peek()))
              .className()
              .asInternalName()
              .equals(inv.owner().asInternalName())) {
        int start = open.pop();
        boolean spans = false;
        for (int s : sitesSeen) {
          spans |= s > start;
        }
        if (spans) {
          out.add(start);
          out.add(start + 1);
          out.add(i);
        }
      } else if (e instanceof InvokeInstruction inv && a.isSite(inv)) {
        sitesSeen.add(i);
      }
    }
    return out;
  }

  /** Emits a method's code with the chosen {@code new; dup} pairs moved to their constructors. */
  private static final class Hoisting implements java.lang.classfile.CodeTransform {
    private final Set<Integer> moved;
    private int i;

    Hoisting(Set<Integer> moved) {
      this.moved = moved;
    }

    @Override
    public void accept(CodeBuilder cb, CodeElement e) {
      int at = i++;
      if (!moved.contains(at)) {
        cb.with(e);
      } else if (e instanceof InvokeInstruction init) {
        List<ClassDesc> params = init.typeSymbol().parameterList();
        int[] slots = new int[params.size()];
        for (int k = params.size() - 1; k >= 0; k--) {
          TypeKind t = TypeKind.from(params.get(k));
          slots[k] = cb.allocateLocal(t);
          cb.storeLocal(t, slots[k]);
        }
        cb.new_(init.owner().asSymbol()).dup();
        for (int k = 0; k < params.size(); k++) {
          cb.loadLocal(TypeKind.from(params.get(k)), slots[k]);
        }
        cb.with(e);
      }
      // The moved new and dup are dropped here and emitted before the constructor call.
    }
  }

  // ---------------------------------------------------------------- stack map frames at sites

  /**
   * The frame before each site of each transformed method of {@code model} (by {@code
   * name+descriptor}, sites in order): the class is rebuilt with a {@code goto} to each site just
   * before it, which makes the library compute a frame there.
   */
  private static Map<String, List<StackMapFrameInfo>> probe(
      ClassFile cf, ClassModel model, Analysis a) {
    String owner = model.thisClass().asInternalName();
    byte[] probed =
        cf.transformClass(
            model,
            ClassTransform.transformingMethods(
                (mb, me) -> {
                  if (me instanceof CodeModel code
                      && a.transformed(owner, code.parent().orElseThrow())) {
                    mb.withCode(
                        cb -> {
                          for (CodeElement e : code) {
                            if (e instanceof InvokeInstruction inv && a.isSite(inv)) {
                              Label here = cb.newLabel();
                              cb.goto_(here).labelBinding(here);
                            }
                            cb.with(e);
                          }
                        });
                  } else {
                    mb.with(me);
                  }
                }));
    Map<String, List<StackMapFrameInfo>> out = new HashMap<>();
    for (MethodModel m : cf.parse(probed).methods()) {
      if (!a.transformed(owner, m)) {
        continue;
      }
      CodeAttribute code = (CodeAttribute) m.code().orElseThrow();
      Map<Integer, StackMapFrameInfo> byBci = new HashMap<>();
      code.findAttribute(Attributes.stackMapTable())
          .ifPresent(t -> t.entries().forEach(f -> byBci.put(code.labelToBci(f.target()), f)));
      List<StackMapFrameInfo> frames = new ArrayList<>();
      Label last = null;
      for (CodeElement e : code) {
        if (e instanceof LabelTarget t) {
          last = t.label();
        } else if (e instanceof InvokeInstruction inv && a.isSite(inv)) {
          StackMapFrameInfo f = last == null ? null : byBci.get(code.labelToBci(last));
          if (f == null) {
            throw new IllegalStateException(id(owner, m) + ": no frame computed at a site");
          }
          frames.add(f);
        } else if (e instanceof Instruction) {
          last = null;
        }
      }
      out.put(key(m), frames);
    }
    return out;
  }

  /** Refusals for objects under construction live across a site of {@code m}. */
  private static List<CaptureRefusal> uninitialized(
      ClassModel model, MethodModel m, Analysis a, List<StackMapFrameInfo> frames) {
    List<CaptureRefusal> out = new ArrayList<>();
    List<CodeElement> els = m.code().orElseThrow().elementList();
    int[] bci = offsets(els);
    int k = 0;
    for (int i = 0; i < els.size(); i++) {
      if (els.get(i) instanceof InvokeInstruction inv && a.isSite(inv)) {
        StackMapFrameInfo f = frames.get(k++);
        boolean uninit = false;
        for (VerificationTypeInfo v : f.stack()) {
          uninit |= isUninitialized(v);
        }
        for (VerificationTypeInfo v : f.locals()) {
          uninit |= isUninitialized(v);
        }
        if (uninit) {
          out.add(
              new CaptureRefusal(
                  model.thisClass().asInternalName().replace('/', '.'),
                  key(m),
                  bci[i],
                  "an object under construction (new before its constructor) is live across "
                      + Analysis.sig(inv)
                      + ", which can reach a capture point; compute the constructor's arguments"
                      + " into locals before the new"));
        }
      }
    }
    return out;
  }

  private static boolean isUninitialized(VerificationTypeInfo v) {
    return v instanceof UninitializedVerificationTypeInfo
        || v == SimpleVerificationTypeInfo.UNINITIALIZED_THIS;
  }

  /**
   * Adds the capturable call sites of each transformed method of {@code model} (its catches of
   * unwinds) to {@code sites}, and to {@code passages} the sites of each restore copy ({@code
   * copies}, by {@code name+descriptor}) and each method's call of its copy.
   */
  private static void sitesOf(
      ClassModel model, Set<String> copies, Map<String, int[]> sites, Map<String, int[]> passages) {
    String owner = model.thisClass().asInternalName();
    for (MethodModel m : model.methods()) {
      if (m.code().isEmpty()) {
        continue;
      }
      CodeAttribute code = (CodeAttribute) m.code().orElseThrow();
      List<Integer> bcis = new ArrayList<>();
      for (ExceptionCatch c : code.exceptionHandlers()) {
        if (c.catchType().isPresent() && c.catchType().orElseThrow().asSymbol().equals(UNWIND)) {
          bcis.add(code.labelToBci(c.tryStart()));
        }
      }
      if (bcis.isEmpty()) {
        continue;
      }
      if (copies.contains(key(m))) {
        passages.put(id(owner, m), sorted(bcis));
        continue;
      }
      sites.put(id(owner, m), sorted(bcis));
      String copy = restoreName(m);
      List<Integer> forward = new ArrayList<>();
      List<CodeElement> els = code.elementList();
      int[] bci = offsets(els);
      for (int i = 0; i < els.size(); i++) {
        if (els.get(i) instanceof InvokeInstruction inv
            && inv.owner().asInternalName().equals(owner)
            && inv.name().equalsString(copy)
            && inv.type().equalsString(m.methodType().stringValue())) {
          forward.add(bci[i]);
        }
      }
      if (!forward.isEmpty()) {
        passages.put(id(owner, m), sorted(forward));
      }
    }
  }

  private static int[] sorted(List<Integer> bcis) {
    return bcis.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  // ---------------------------------------------------------------- emission

  /** One value's type at a site: its slot and how to move it. */
  private record Slot(int slot, TypeKind kind, ClassDesc type, boolean isNull) {}

  private static final class Emit {
    private final String id;
    private final MethodModel method;
    private final CodeModel code;
    private final Analysis a;
    private final List<StackMapFrameInfo> frames;
    private final CodeBuilder cb;
    private final int base;

    Emit(
        String owner,
        MethodModel method,
        CodeModel code,
        Analysis a,
        List<StackMapFrameInfo> frames,
        CodeBuilder cb) {
      this.id = id(owner, method);
      this.method = method;
      this.code = code;
      this.a = a;
      this.frames = frames;
      this.cb = cb;
      this.base = ((CodeAttribute) code).maxLocals();
    }

    /**
     * The method itself: its code with the sites (spills, catches) and the save blocks, and at its
     * entry a test that hands the call to the restore copy while a restore runs somewhere. Nothing
     * jumps into its code but its own branches, so its loops keep their single entry.
     */
    void emitMethod(ClassModel owner) {
      emit(owner, false);
    }

    /**
     * The restore copy: the same code, sites and save blocks (saving under the method's name, with
     * the same site numbers), entered at the restore blocks, which rebuild the frame and jump to
     * the reload of the site it was saved at (or to the start when this thread does not restore).
     */
    void emitRestoreCopy() {
      emit(null, true);
    }

    private void emit(ClassModel owner, boolean copy) {
      int n = frames.size();
      List<List<Slot>> live = new ArrayList<>();
      List<List<Slot>> spills = new ArrayList<>();
      int maxSpill = 0;
      for (StackMapFrameInfo f : frames) {
        List<Slot> l = locals(f.locals());
        List<Slot> s = new ArrayList<>();
        int at = base;
        for (VerificationTypeInfo v : f.stack()) {
          Slot slot = slot(at, v);
          s.add(slot);
          at += slot.kind.slotSize();
        }
        maxSpill = Math.max(maxSpill, at - base);
        l.addAll(s);
        live.add(l);
        spills.add(s);
      }
      int slots = base + maxSpill;
      int frameSlot = slots;
      int unwindSlot = slots + 1;
      int primSlot = slots + 2;
      int refSlot = slots + 3;

      Label begin = cb.newLabel();
      Label restore = cb.newLabel();
      Label bad = cb.newLabel();
      List<Label> start = new ArrayList<>();
      List<Label> end = new ArrayList<>();
      List<Label> save = new ArrayList<>();
      List<Label> reload = new ArrayList<>();
      List<Label> resume = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        start.add(cb.newLabel());
        end.add(cb.newLabel());
        save.add(cb.newLabel());
        reload.add(cb.newLabel());
        resume.add(cb.newLabel());
        // Before every handler of the program's own: the first matching entry wins.
        cb.exceptionCatch(start.get(k), end.get(k), save.get(k), UNWIND);
      }
      Label forward = copy ? null : cb.newLabel();
      if (copy) {
        cb.goto_(restore).labelBinding(begin);
      } else {
        cb.getstatic(STATE, "restoring", CD_int).ifne(forward).labelBinding(begin);
      }

      int k = 0;
      for (CodeElement e : code) {
        if (e instanceof InvokeInstruction inv && a.isSite(inv)) {
          List<Slot> s = spills.get(k);
          for (int j = s.size() - 1; j >= 0; j--) {
            cb.storeLocal(s.get(j).kind, s.get(j).slot);
          }
          cb.labelBinding(reload.get(k));
          for (Slot slot : s) {
            cb.loadLocal(slot.kind, slot.slot);
          }
          cb.labelBinding(start.get(k)).with(e).labelBinding(end.get(k));
          k++;
        } else {
          cb.with(e);
        }
      }

      if (copy) {
        restoreBlocks(restore, begin, bad, resume, reload, live, frameSlot, primSlot, refSlot);
      } else {
        // A restore runs somewhere: the copy takes this thread's frame, or runs from its start.
        cb.labelBinding(forward);
        boolean isStatic = method.flags().has(AccessFlag.STATIC);
        if (!isStatic) {
          cb.aload(cb.receiverSlot());
        }
        MethodTypeDesc type = method.methodTypeSymbol();
        for (int i = 0; i < type.parameterCount(); i++) {
          cb.loadLocal(TypeKind.from(type.parameterType(i)), cb.parameterSlot(i));
        }
        ClassDesc self = owner.thisClass().asSymbol();
        boolean itf = owner.flags().has(AccessFlag.INTERFACE);
        String name = restoreName(method);
        if (isStatic) {
          cb.invokestatic(self, name, type, itf);
        } else {
          cb.invokespecial(self, name, type, itf);
        }
        cb.return_(TypeKind.from(type.returnType()));
      }
      for (int i = 0; i < n; i++) {
        cb.labelBinding(save.get(i))
            .astore(unwindSlot)
            .loadConstant(slots)
            .newarray(TypeKind.LONG)
            .astore(primSlot)
            .loadConstant(slots)
            .anewarray(CD_Object)
            .astore(refSlot);
        for (Slot s : live.get(i)) {
          if (s.isNull) {
            continue;
          }
          if (s.kind == TypeKind.REFERENCE) {
            cb.aload(refSlot).loadConstant(s.slot).aload(s.slot).aastore();
          } else {
            cb.aload(primSlot).loadConstant(s.slot).loadLocal(s.kind, s.slot);
            toBits(s);
            cb.lastore();
          }
        }
        cb.ldc(id)
            .loadConstant(i)
            .aload(primSlot)
            .aload(refSlot)
            .invokestatic(
                STATE, "save", MethodTypeDesc.of(CD_void, CD_String, CD_int, LONGS, OBJECTS))
            .aload(unwindSlot)
            .athrow();
      }
    }

    /** The restore blocks of a copy: this thread's frame for the method, or run from the top. */
    private void restoreBlocks(
        Label restore,
        Label begin,
        Label bad,
        List<Label> resume,
        List<Label> reload,
        List<List<Slot>> live,
        int frameSlot,
        int primSlot,
        int refSlot) {
      int n = resume.size();
      cb.labelBinding(restore)
          .ldc(id)
          .invokestatic(STATE, "restore", MethodTypeDesc.of(OBJECTS, CD_String))
          .astore(frameSlot)
          .aload(frameSlot)
          .ifnull(begin)
          .aload(frameSlot)
          .invokestatic(STATE, "prims", MethodTypeDesc.of(LONGS, OBJECTS))
          .astore(primSlot)
          .aload(frameSlot)
          .invokestatic(STATE, "refs", MethodTypeDesc.of(OBJECTS, OBJECTS))
          .astore(refSlot)
          .aload(frameSlot)
          .invokestatic(STATE, "site", MethodTypeDesc.of(CD_int, OBJECTS));
      List<SwitchCase> cases = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        cases.add(SwitchCase.of(i, resume.get(i)));
      }
      cb.tableswitch(0, n - 1, bad, cases);
      for (int i = 0; i < n; i++) {
        cb.labelBinding(resume.get(i));
        for (Slot s : live.get(i)) {
          if (s.isNull) {
            cb.aconst_null();
          } else if (s.kind == TypeKind.REFERENCE) {
            cb.aload(refSlot).loadConstant(s.slot).aaload();
            if (!s.type.equals(CD_Object)) {
              cb.checkcast(s.type);
            }
          } else {
            cb.aload(primSlot).loadConstant(s.slot).laload();
            fromBits(s);
          }
          cb.storeLocal(s.kind, s.slot);
        }
        cb.goto_(reload.get(i));
      }
      cb.labelBinding(bad)
          .ldc(id)
          .invokestatic(STATE, "badSite", MethodTypeDesc.of(ISE, CD_String))
          .athrow();
    }

    /** Turns the raw bits on the stack (a long) into the slot's primitive. */
    private void fromBits(Slot s) {
      switch (s.kind) {
        case INT -> cb.l2i();
        case FLOAT -> cb.invokestatic(STATE, "l2f", MethodTypeDesc.of(CD_float, CD_long));
        case DOUBLE -> cb.invokestatic(STATE, "l2d", MethodTypeDesc.of(CD_double, CD_long));
        default -> {}
      }
    }

    /** Turns the slot's primitive on the stack into its raw bits, a long. */
    private void toBits(Slot s) {
      switch (s.kind) {
        case INT -> cb.i2l();
        case FLOAT -> cb.invokestatic(STATE, "f2l", MethodTypeDesc.of(CD_long, CD_float));
        case DOUBLE -> cb.invokestatic(STATE, "d2l", MethodTypeDesc.of(CD_long, CD_double));
        default -> {}
      }
    }

    /** The live locals of a frame, by slot (TOP skipped). */
    private List<Slot> locals(List<VerificationTypeInfo> types) {
      List<Slot> out = new ArrayList<>();
      int at = 0;
      for (VerificationTypeInfo v : types) {
        if (v == SimpleVerificationTypeInfo.TOP) {
          at++;
          continue;
        }
        Slot s = slot(at, v);
        out.add(s);
        at += s.kind.slotSize();
      }
      return out;
    }

    private Slot slot(int at, VerificationTypeInfo v) {
      return switch (v) {
        case SimpleVerificationTypeInfo.INTEGER -> new Slot(at, TypeKind.INT, CD_int, false);
        case SimpleVerificationTypeInfo.FLOAT -> new Slot(at, TypeKind.FLOAT, CD_float, false);
        case SimpleVerificationTypeInfo.LONG -> new Slot(at, TypeKind.LONG, CD_long, false);
        case SimpleVerificationTypeInfo.DOUBLE -> new Slot(at, TypeKind.DOUBLE, CD_double, false);
        case SimpleVerificationTypeInfo.NULL -> new Slot(at, TypeKind.REFERENCE, CD_Object, true);
        case ObjectVerificationTypeInfo o ->
            new Slot(at, TypeKind.REFERENCE, o.classSymbol(), false);
        default ->
            throw new IllegalStateException(
                id + ": " + v + " at a site of " + method.methodName() + " (refused earlier)");
      };
    }
  }
}
