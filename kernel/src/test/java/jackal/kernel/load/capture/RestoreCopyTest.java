package jackal.kernel.load.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The restore copy: each capturable method {@code m} keeps its own control flow (only its entry
 * test, its sites' catches and save blocks are added, so its loops keep one entry each and the JIT
 * can unroll and vectorize them), and a private copy {@code $jackal$restore$m} holds the jumps from
 * the restore blocks into the middle of the code. A restored run continues in the copies and can be
 * captured again there, its frames named by the methods, not the copies.
 */
class RestoreCopyTest {
  private static final String PROGRAMS = "jackal.kernel.load.capture.programs.";
  private static final List<String> SAMPLES =
      List.of("Chain", "Loops", "Mixed", "Recursion", "Handlers", "Lambdas", "Objects");

  @Test
  void everyCapturableMethodKeepsOnlyLoopsWithOneEntryWhileItsRestoreCopyHasTheJumpsIn()
      throws NotCapturable {
    int methods = 0;
    int irreducibleCopies = 0;
    for (String name : SAMPLES) {
      CaptureRig rig = new CaptureRig(PROGRAMS + name);
      for (Map.Entry<String, byte[]> e : rig.result.classes().entrySet()) {
        ClassModel model = ClassFile.of().parse(e.getValue());
        String owner = model.thisClass().asInternalName();
        for (MethodModel m : model.methods()) {
          String id = owner + "." + m.methodName() + m.methodType();
          if (m.methodName().stringValue().startsWith(CaptureTransform.RESTORE_PREFIX)) {
            assertThat(m.flags().has(java.lang.reflect.AccessFlag.PRIVATE)).as(id).isTrue();
            assertThat(m.flags().has(java.lang.reflect.AccessFlag.SYNTHETIC)).as(id).isTrue();
            irreducibleCopies += reducible(m) ? 0 : 1;
          } else if (rig.result.plan().sites().containsKey(id)) {
            methods++;
            assertThat(reducible(m)).as(id + ": a loop entered other than at its head").isTrue();
            String copy = CaptureTransform.RESTORE_PREFIX + m.methodName().stringValue();
            assertThat(model.methods())
                .as(id + " has its restore copy")
                .anyMatch(
                    c ->
                        c.methodName().equalsString(copy) && c.methodType().equals(m.methodType()));
          }
        }
      }
    }
    assertThat(methods).isGreaterThan(15);
    // The copies of methods whose sites lie inside loops (Loops.run, Mixed.run, ...) jump into
    // those loops: the checker sees it, so it would see it in a method too.
    assertThat(irreducibleCopies).isGreaterThan(3);
  }

  @Test
  void aRunResumedInTheRestoreCopiesIsCapturedAgainAtLaterCallsAndEndsAsARunLeftAlone()
      throws NotCapturable {
    for (String name : List.of("Loops", "Mixed", "Chain", "Recursion", "Handlers")) {
      CaptureRig rig = new CaptureRig(PROGRAMS + name);
      long[] plain = rig.plainRun(11);
      long n = plain[1];
      for (long first : new long[] {1, 2, n / 2, n - 1}) {
        CaptureRig.Loader l1 = rig.loader();
        CaptureRig.Run a = rig.run(l1, 11, first, null);
        assertThat(a.frames()).as(name + " captured at " + first).isNotNull();
        // Calls of the resumed run count from 1 (the innermost call, made again); capture at a
        // later one, while the stack is made of restore copies under their methods.
        for (long second = 2; second <= n - first + 1; second += Math.max(1, (n - first) / 4)) {
          CaptureRig.Loader l2 = rig.loader();
          CaptureRig.Run b =
              rig.run(l2, 0, second, FrameCodec.read(FrameCodec.write(a.frames(), l1), l2));
          assertThat(b.frames())
              .as("%s captured at %d, then at %d of the resumed run", name, first, second)
              .isNotNull()
              .extracting(Frame::method)
              .noneMatch(m -> m.contains(CaptureTransform.RESTORE_PREFIX));
          CaptureRig.Loader l3 = rig.loader();
          CaptureRig.Run c =
              rig.run(l3, 0, 0, FrameCodec.read(FrameCodec.write(b.frames(), l2), l3));
          assertThat(c.result())
              .as("%s captured at %d, then at %d of the resumed run", name, first, second)
              .isEqualTo(plain[0]);
        }
      }
    }
  }

  /** A program that declares a method with the name the loader gives {@code run}'s copy. */
  private static byte[] squattingTheCopysName() {
    ClassDesc sys = ClassDesc.of(Sys.class.getName());
    MethodTypeDesc longToLong = MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_long);
    return ClassFile.of()
        .build(
            ClassDesc.of("hostile.Squat"),
            cb ->
                cb.withSuperclass(ConstantDescs.CD_Object)
                    .withMethodBody(
                        "run",
                        longToLong,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> code.lload(0).invokestatic(sys, "call", longToLong).lreturn())
                    .withMethodBody(
                        CaptureTransform.RESTORE_PREFIX + "run",
                        longToLong,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> code.lload(0).lreturn()));
  }

  @Test
  void aProgramDeclaringTheNameOfARestoreCopyIsRefusedWithItsClassAndMethod() {
    assertThatThrownBy(
            () ->
                CaptureTransform.transform(
                    Map.of("hostile.Squat", squattingTheCopysName()),
                    CaptureRig.POINTS,
                    ClassHierarchyResolver.defaultResolver()))
        .isInstanceOfSatisfying(
            NotCapturable.class,
            e -> {
              assertThat(e.refusals()).hasSize(1);
              CaptureRefusal r = e.refusals().getFirst();
              assertThat(r.className()).isEqualTo("hostile.Squat");
              assertThat(r.method()).isEqualTo(CaptureTransform.RESTORE_PREFIX + "run(J)J");
              assertThat(r.reason()).contains("restore copy");
            });
  }

  // ------------------------------------------------------------- reducibility of a method's code

  /**
   * Whether every loop of {@code m} has a single entry: in a depth-first walk of its control flow
   * (branches, switches, fall-through, and an edge from each instruction a handler covers to the
   * handler), the target of every edge back to a block on the walk's stack dominates its source.
   */
  static boolean reducible(MethodModel m) {
    CodeAttribute code = (CodeAttribute) m.code().orElseThrow();
    List<CodeElement> els = code.elementList();
    List<Integer> ins = new ArrayList<>(); // element index of each instruction
    Map<Label, Integer> at = new HashMap<>(); // label to the instruction that follows it
    List<Label> pending = new ArrayList<>();
    for (int i = 0; i < els.size(); i++) {
      if (els.get(i) instanceof LabelTarget t) {
        pending.add(t.label());
      } else if (els.get(i) instanceof Instruction) {
        for (Label l : pending) {
          at.put(l, ins.size());
        }
        pending.clear();
        ins.add(i);
      }
    }
    for (Label l : pending) {
      at.put(l, ins.size());
    }
    int n = ins.size();
    List<List<Integer>> succ = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      List<Integer> s = new ArrayList<>();
      CodeElement e = els.get(ins.get(k));
      boolean falls = true;
      switch (e) {
        case BranchInstruction b -> {
          s.add(at.get(b.target()));
          falls = b.opcode() != Opcode.GOTO && b.opcode() != Opcode.GOTO_W;
        }
        case TableSwitchInstruction t -> {
          s.add(at.get(t.defaultTarget()));
          t.cases().stream().map(SwitchCase::target).forEach(l -> s.add(at.get(l)));
          falls = false;
        }
        case LookupSwitchInstruction t -> {
          s.add(at.get(t.defaultTarget()));
          t.cases().stream().map(SwitchCase::target).forEach(l -> s.add(at.get(l)));
          falls = false;
        }
        case ReturnInstruction _, ThrowInstruction _ -> falls = false;
        default -> {}
      }
      if (falls && k + 1 < n) {
        s.add(k + 1);
      }
      succ.add(s);
    }
    for (ExceptionCatch c : code.exceptionHandlers()) {
      for (int k = at.get(c.tryStart()); k < at.get(c.tryEnd()); k++) {
        succ.get(k).add(at.get(c.handler()));
      }
    }
    BitSet[] dom = dominators(succ);
    // Iterative depth-first walk; an edge to a node on the stack is a back edge.
    int[] state = new int[n]; // 0 new, 1 on stack, 2 done
    int[] next = new int[n];
    int[] stack = new int[n];
    int sp = 0;
    stack[sp++] = 0;
    state[0] = 1;
    while (sp > 0) {
      int u = stack[sp - 1];
      if (next[u] < succ.get(u).size()) {
        int v = succ.get(u).get(next[u]++);
        if (state[v] == 1 && !dom[u].get(v)) {
          return false;
        }
        if (state[v] == 0) {
          state[v] = 1;
          stack[sp++] = v;
        }
      } else {
        state[u] = 2;
        sp--;
      }
    }
    return true;
  }

  /** dom[u]: the nodes that dominate u (for nodes reachable from the entry, node 0). */
  private static BitSet[] dominators(List<List<Integer>> succ) {
    int n = succ.size();
    BitSet reached = new BitSet(n);
    java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>(List.of(0));
    reached.set(0);
    while (!work.isEmpty()) {
      for (int v : succ.get(work.pop())) {
        if (!reached.get(v)) {
          reached.set(v);
          work.push(v);
        }
      }
    }
    List<List<Integer>> pred = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      pred.add(new ArrayList<>());
    }
    for (int u = reached.nextSetBit(0); u >= 0; u = reached.nextSetBit(u + 1)) {
      for (int v : succ.get(u)) {
        pred.get(v).add(u);
      }
    }
    BitSet[] dom = new BitSet[n];
    for (int k = 0; k < n; k++) {
      dom[k] = new BitSet(n);
      dom[k].set(0, n);
    }
    dom[0].clear();
    dom[0].set(0);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int u = 1; u < n; u++) {
        BitSet d = new BitSet(n);
        d.set(0, n);
        boolean any = false;
        for (int p : pred.get(u)) {
          d.and(dom[p]);
          any = true;
        }
        if (!any) {
          d.clear();
        }
        d.set(u);
        if (!d.equals(dom[u])) {
          dom[u] = d;
          changed = true;
        }
      }
    }
    return dom;
  }
}
