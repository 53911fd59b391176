package jackal.kernel.load;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.TypeKind;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.SimpleVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.VerificationTypeInfo;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a verified program class stoppable: inserts a call to {@code jackal.confined.Poll.check()}
 * (see {@link PollClass}) where a program could otherwise run without bound, and makes every
 * exception handler pass through a check before the program's own handler code runs.
 *
 * <p>Where the checks go:
 *
 * <ul>
 *   <li>before every backward branch (a loop's back edge, including a switch with a backward
 *       target): every loop iteration passes a check;
 *   <li>at the entry of every method, except a private method that calls nothing and that no method
 *       handle of its class names: recursion and calls from JDK code (a lambda or an override run
 *       by {@code Stream.generate(...).forEach(...)}, a comparator) pass a check;
 *   <li>at every exception handler, through a stub placed after all the method's code, outside
 *       every protected range: a destroyed process's unwinding cannot be caught by {@code catch
 *       (Throwable)} or {@code finally} (the check unwinds again, from a place no handler covers),
 *       and a loop made of a throw and a handler passes a check;
 *   <li>at the entry of every class initializer, and before each of its returns, a call that counts
 *       the initializers running in the process ({@link PollClass#ENTER_INIT}): a call made inside
 *       one is never run in place;
 *   <li>not in the body of a simple counted loop ({@code for (i = a; i < bound; i++)} with an
 *       invariant bound, no inner loop and no call): such a loop is strip-mined into chunks of at
 *       most {@link #chunk} iterations with one check per chunk, so that the JIT still sees a
 *       counted inner loop it can unroll and vectorize.
 * </ul>
 *
 * <p>Every allocation whose size the program chooses passes {@code Poll.limit(n, max)} first (the
 * kernel's over-cap path unwinds the program with an {@code AllocationLimit} fault): {@code
 * newarray}, {@code anewarray}, each level of a {@code multianewarray}, and the calls of {@link
 * #SIZED} JDK members whose size argument is on top of the stack. The limit is {@link
 * PollClass#MAX_ALLOCATION_BYTES}, counted in elements of the largest size the type can have.
 *
 * <p>A check is an {@code invokestatic} of a method of four instructions, so no instruction the
 * rewriter inserts is a branch target of its own: the method's stack map frames stay what the
 * compiler wrote (the rewriter keeps them and adds the few that the stubs and strip-mined loops
 * need), and no class hierarchy is needed. The JVM verifies the result again when it defines it.
 */
public final class ProgramRewriter {
  private ProgramRewriter() {}

  /**
   * Body instructions of a strip-mined loop between two checks (a chunk's iterations times its
   * body's instructions, within the bounds below). Each chunk costs a vectorized loop its pre- and
   * post-loops and a reduction, about 35 cycles measured on the dot product; at 2^16 that was 8% of
   * a 4096-iteration chunk, at 2^17 it is under 4%. A chunk of 2^17 instructions took 76 us in the
   * interpreter on the reference machine (0.66 ns per bytecode, the dot product's loop under {@code
   * -Xint}), less compiled: a sixth of the default 500 us slice.
   */
  static final int CHUNK_INSTRUCTIONS = 1 << 17;

  /** Bounds of a chunk, whatever the body's size. */
  static final int MIN_CHUNK = 1 << 6;

  static final int MAX_CHUNK = 1 << 13;

  private static final ClassDesc MATH = ClassDesc.of("java.lang.Math");

  /**
   * JDK members on the allow-list that allocate at once as much as an int argument on top of the
   * stack says (owner.name, and the descriptor's start when only some overloads do), to the largest
   * number of bytes one unit of that argument may cost.
   */
  private static final Map<String, Integer> SIZED =
      Map.ofEntries(
          Map.entry("java/util/ArrayList.<init>(I)V", 8),
          Map.entry("java/util/ArrayList.ensureCapacity(I)V", 8),
          Map.entry("java/util/ArrayDeque.<init>(I)V", 8),
          Map.entry("java/util/PriorityQueue.<init>(I)V", 8),
          Map.entry("java/util/HashMap.<init>(I)V", 16),
          Map.entry("java/util/LinkedHashMap.<init>(I)V", 16),
          Map.entry("java/util/HashSet.<init>(I)V", 16),
          Map.entry("java/util/LinkedHashSet.<init>(I)V", 16),
          Map.entry("java/lang/StringBuilder.<init>(I)V", 2),
          Map.entry("java/lang/StringBuilder.ensureCapacity(I)V", 2),
          Map.entry("java/lang/StringBuilder.setLength(I)V", 2),
          Map.entry("java/util/BitSet.<init>(I)V", 1));

  private static final int REF_BYTES = 8;

  private static final MethodTypeDesc MIN_LONG =
      MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_long, ConstantDescs.CD_long);

  /**
   * The class {@code classBytes} with preemption checks. The input must be a class the loader's
   * verifier accepted (version 50 or later, no {@code jsr}/{@code ret}).
   *
   * @throws IllegalArgumentException if the class cannot be rewritten (older than version 50, a
   *     {@code jsr}, a method whose stack maps are missing)
   */
  public static byte[] rewrite(byte[] classBytes) {
    ClassFile cf =
        ClassFile.of(
            ClassFile.StackMapsOption.DROP_STACK_MAPS,
            ClassFile.DeadCodeOption.KEEP_DEAD_CODE,
            ClassFile.DebugElementsOption.PASS_DEBUG,
            ClassFile.LineNumbersOption.PASS_LINE_NUMBERS);
    ClassModel model = cf.parse(classBytes);
    if (model.majorVersion() < ClassFile.JAVA_6_VERSION) {
      throw new IllegalArgumentException(
          model.thisClass().asInternalName()
              + ": class file version "
              + model.majorVersion()
              + " is older than 50 (Java 6); recompile it");
    }
    boolean nest =
        model.findAttribute(Attributes.nestHost()).isPresent()
            || model.findAttribute(Attributes.nestMembers()).isPresent();
    List<String> handleTargets = methodHandleTargets(model);
    return cf.transformClass(
        model,
        ClassTransform.transformingMethods(
            (mb, me) -> {
              if (me instanceof CodeModel code) {
                MethodModel m = code.parent().orElseThrow();
                boolean entry = needsEntryCheck(model, m, code, nest, handleTargets);
                mb.withCode(cb -> new MethodRewrite(model, m, code, cb).emit(entry));
              } else {
                mb.with(me);
              }
            }));
  }

  /**
   * Names ({@code name + descriptor}) of this class's methods that a method handle constant names.
   */
  private static List<String> methodHandleTargets(ClassModel model) {
    List<String> targets = new ArrayList<>();
    String self = model.thisClass().asInternalName();
    for (PoolEntry e : model.constantPool()) {
      if (e instanceof MethodHandleEntry mh
          && mh.reference().owner().asInternalName().equals(self)) {
        targets.add(mh.reference().name().stringValue() + mh.reference().type().stringValue());
      }
    }
    return targets;
  }

  /**
   * A method needs no entry check only if nothing but this class's own bytecode can call it and it
   * calls nothing: then it cannot recurse, JDK code cannot call it in a loop, and its own loops and
   * handlers have their checks. That is a private method, named by no method handle of this class,
   * in a class with no nestmates (which could name it), with no invoke instruction.
   */
  private static boolean needsEntryCheck(
      ClassModel model, MethodModel m, CodeModel code, boolean nest, List<String> handleTargets) {
    if (!m.flags().has(AccessFlag.PRIVATE) || nest) {
      return true;
    }
    if (handleTargets.contains(m.methodName().stringValue() + m.methodType().stringValue())) {
      return true;
    }
    for (CodeElement e : code) {
      if (e instanceof InvokeInstruction || e instanceof InvokeDynamicInstruction) {
        return true;
      }
    }
    return false;
  }

  /** Chunk length for a strip-mined loop whose body has {@code instructions} instructions. */
  static int chunk(int instructions) {
    return Math.clamp(CHUNK_INSTRUCTIONS / Math.max(1, instructions), MIN_CHUNK, MAX_CHUNK);
  }

  /** The rewrite of one method's code. */
  private static final class MethodRewrite {
    private final ClassModel model;
    private final MethodModel method;
    private final CodeAttribute code;
    private final CodeBuilder cb;
    private final List<CodeElement> els;

    /** Element index of each bound label, by the label's bytecode offset in the original. */
    private final Map<Integer, Integer> labelIndex = new HashMap<>();

    /** The original frames, by the bytecode offset of their label. */
    private final Map<Integer, StackMapFrameInfo> frames = new LinkedHashMap<>();

    /** Frames of the result, beyond the original ones (which may be replaced by offset). */
    private final Map<Integer, StackMapFrameInfo> replaced = new HashMap<>();

    private final List<StackMapFrameInfo> added = new ArrayList<>();

    /** Handler stubs: original handler label (by offset) to the stub's label. */
    private final Map<Integer, Label> stubs = new LinkedHashMap<>();

    private final Map<Integer, Label> stubHandler = new HashMap<>();

    /** The strip-mined loops, by the element index of their latch {@code goto}. */
    private final Map<Integer, StripMine> loopsByLatch = new HashMap<>();

    private final Map<Integer, StripMine> loopsByTest = new HashMap<>();

    MethodRewrite(ClassModel model, MethodModel method, CodeModel code, CodeBuilder cb) {
      this.model = model;
      this.method = method;
      this.code = (CodeAttribute) code;
      this.cb = cb;
      this.els = code.elementList();
      for (int i = 0; i < els.size(); i++) {
        if (els.get(i) instanceof LabelTarget t) {
          labelIndex.put(this.code.labelToBci(t.label()), i);
        }
      }
      this.code
          .findAttribute(Attributes.stackMapTable())
          .ifPresent(
              smt -> {
                for (StackMapFrameInfo f : smt.entries()) {
                  frames.put(this.code.labelToBci(f.target()), f);
                }
              });
    }

    private String where() {
      return model.thisClass().asInternalName()
          + "."
          + method.methodName().stringValue()
          + method.methodType().stringValue();
    }

    private int index(Label l) {
      Integer i = labelIndex.get(code.labelToBci(l));
      if (i == null) {
        throw new IllegalArgumentException(where() + ": branch to an unbound label");
      }
      return i;
    }

    private boolean backward(Label target, int at) {
      return index(target) <= at;
    }

    void emit(boolean entryCheck) {
      findStripMinedLoops();
      int slot = code.maxLocals();
      // A class initializer counts itself in its process's poll word while it runs: a call from
      // inside one must not be run in place (it could not wait; see PollClass.ENTER_INIT).
      boolean clinit = method.methodName().equalsString(ConstantDescs.CLASS_INIT_NAME);
      if (clinit) {
        cb.invokestatic(PollClass.DESC, PollClass.ENTER_INIT, PollClass.CHECK_TYPE);
      }
      if (entryCheck) {
        check();
      }
      for (int i = 0; i < els.size(); i++) {
        CodeElement e = els.get(i);
        StripMine loop = loopsByTest.get(i);
        if (loop != null) {
          cb.with(e); // the original test: leaves the loop when i >= bound
          loop.emitChunkStart(cb, slot);
          continue;
        }
        loop = loopsByLatch.get(i);
        if (loop != null) {
          cb.goto_(loop.inner); // the latch: back to the chunk's own test, no check
          continue;
        }
        switch (e) {
          case DiscontinuedInstruction _ ->
              throw new IllegalArgumentException(where() + ": jsr/ret are not supported");
          case BranchInstruction b -> {
            if (backward(b.target(), i)) {
              check();
            }
            cb.with(e);
          }
          case TableSwitchInstruction s -> {
            if (backward(s.defaultTarget(), i) || anyBackward(s.cases(), i)) {
              check();
            }
            cb.with(e);
          }
          case LookupSwitchInstruction s -> {
            if (backward(s.defaultTarget(), i) || anyBackward(s.cases(), i)) {
              check();
            }
            cb.with(e);
          }
          case NewPrimitiveArrayInstruction a -> {
            sizeCheck(bytes(a.typeKind()));
            cb.with(e);
          }
          case NewReferenceArrayInstruction _ -> {
            sizeCheck(REF_BYTES);
            cb.with(e);
          }
          case NewMultiArrayInstruction a -> {
            multiCheck(a.dimensions(), slot + 1);
            cb.with(e);
          }
          case InvokeInstruction inv -> {
            sizedCall(inv);
            cb.with(e);
          }
          case ReturnInstruction _ when clinit -> {
            cb.invokestatic(PollClass.DESC, PollClass.EXIT_INIT, PollClass.CHECK_TYPE);
            cb.with(e);
          }
          case ExceptionCatch c ->
              cb.exceptionCatch(c.tryStart(), c.tryEnd(), stub(c.handler()), c.catchType());
          default -> cb.with(e);
        }
      }
      emitStubs();
      emitFrames(slot);
    }

    private boolean anyBackward(List<SwitchCase> cases, int at) {
      for (SwitchCase c : cases) {
        if (backward(c.target(), at)) {
          return true;
        }
      }
      return false;
    }

    private void check() {
      cb.invokestatic(PollClass.DESC, PollClass.CHECK, PollClass.CHECK_TYPE);
    }

    /**
     * Checks the int on top of the stack (left there) as a count of units of {@code unit} bytes.
     */
    private void sizeCheck(int unit) {
      cb.dup().i2l();
      limit(unit);
    }

    /** Consumes a long count on top of the stack: the program unwinds if it is over the cap. */
    private void limit(int unit) {
      cb.loadConstant(PollClass.MAX_ALLOCATION_BYTES / unit)
          .invokestatic(PollClass.DESC, PollClass.LIMIT, PollClass.LIMIT_TYPE);
    }

    /**
     * A {@code multianewarray} of {@code dims} dimensions allocates one array of d0, then d0 arrays
     * of d1, d0*d1 arrays of d2, and so on; each product is checked (clamped before each
     * multiplication so that it cannot overflow a long), the dimensions kept in fresh locals from
     * {@code base} and put back on the stack.
     */
    private void multiCheck(int dims, int base) {
      for (int i = dims - 1; i >= 0; i--) {
        cb.istore(base + i);
      }
      cb.iload(base).i2l();
      cb.dup2();
      limit(REF_BYTES);
      for (int i = 1; i < dims; i++) {
        cb.loadConstant(1L << 32).invokestatic(MATH, "min", MIN_LONG);
        cb.iload(base + i).i2l().lmul();
        cb.dup2();
        limit(REF_BYTES);
      }
      cb.pop2();
      for (int i = 0; i < dims; i++) {
        cb.iload(base + i);
      }
    }

    /** Before a call of a JDK member that allocates by a size the program passes: the check. */
    private void sizedCall(InvokeInstruction inv) {
      String owner = inv.owner().asInternalName();
      String name = inv.name().stringValue();
      String type = inv.type().stringValue();
      Integer unit = SIZED.get(owner + "." + name + type);
      if (unit != null) {
        sizeCheck(unit);
      } else if (owner.equals("java/util/Arrays")
          && (name.equals("copyOf") || name.equals("copyOfRange"))
          && type.contains("I)")) {
        // The new length (copyOf) or the end index (copyOfRange, a bound on the length); the
        // overloads taking a Class last are left to the growth they cause elsewhere (SECURITY.md).
        String ret = type.substring(type.indexOf(')') + 1);
        sizeCheck(
            ret.length() == 2
                ? bytes(TypeKind.from(ClassDesc.ofDescriptor(ret.substring(1))))
                : REF_BYTES);
      } else if (owner.equals("java/lang/String")
          && name.equals("repeat")
          && type.equals("(I)Ljava/lang/String;")) {
        // [s, n] -> [s, n] having checked s.length() * n, two bytes a char.
        cb.dup2().i2l().dup2_x1().pop2();
        cb.invokevirtual(
            ConstantDescs.CD_String, "length", MethodTypeDesc.of(ConstantDescs.CD_int));
        cb.i2l().lmul();
        limit(2);
      }
    }

    private static int bytes(TypeKind k) {
      return switch (k) {
        case BOOLEAN, BYTE -> 1;
        case CHAR, SHORT -> 2;
        case INT, FLOAT -> 4;
        default -> 8;
      };
    }

    private Label stub(Label handler) {
      int bci = code.labelToBci(handler);
      Label s = stubs.get(bci);
      if (s == null) {
        s = cb.newLabel();
        stubs.put(bci, s);
        stubHandler.put(bci, handler);
      }
      return s;
    }

    /**
     * After all the method's code, where no protected range reaches: each stub checks, then goes to
     * the handler it stands for. A check that unwinds here leaves the method.
     */
    private void emitStubs() {
      for (Map.Entry<Integer, Label> s : stubs.entrySet()) {
        StackMapFrameInfo f = frames.get(s.getKey());
        if (f == null) {
          throw new IllegalArgumentException(where() + ": exception handler without a stack map");
        }
        cb.labelBinding(s.getValue());
        check();
        cb.goto_(stubHandler.get(s.getKey()));
        added.add(StackMapFrameInfo.of(s.getValue(), f.locals(), f.stack()));
      }
    }

    private void emitFrames(int slot) {
      List<StackMapFrameInfo> out = new ArrayList<>();
      for (Map.Entry<Integer, StackMapFrameInfo> f : frames.entrySet()) {
        out.add(replaced.getOrDefault(f.getKey(), f.getValue()));
      }
      out.addAll(added);
      if (!out.isEmpty()) {
        cb.with(StackMapTableAttribute.of(out));
      }
    }

    // ---------------------------------------------------------------- strip-mining

    /**
     * A loop {@code H: iload i; <bound>; if_icmpge EXIT; body; iinc i 1; goto H} whose bound is
     * invariant in the body, whose body has no inner loop, no call and no other write to {@code i},
     * and which nothing enters except through {@code H}. It becomes
     *
     * <pre>
     * H:     iload i; &lt;bound&gt;; if_icmpge EXIT        (unchanged)
     *        check; lim = (int) min(i + chunk, bound)
     * INNER: iload i; iload lim; if_icmpge H
     *        body; iinc i 1; goto INNER
     * </pre>
     *
     * The inner loop runs at most {@code chunk} times between checks, since every path from INNER
     * back to INNER adds one to {@code i}, and {@code i < lim <= bound} makes the original test
     * true wherever the inner test is.
     */
    private final class StripMine {
      final int header; // index of H's LabelTarget
      final int var;
      final List<CodeElement> bound;
      final int chunk;
      final Label h;
      final Label inner;

      StripMine(int header, int var, List<CodeElement> bound, int chunk, Label h) {
        this.header = header;
        this.var = var;
        this.bound = bound;
        this.chunk = chunk;
        this.h = h;
        this.inner = cb.newLabel();
      }

      void emitChunkStart(CodeBuilder b, int slot) {
        check();
        b.iload(var).i2l().ldc((long) chunk).ladd();
        for (CodeElement e : bound) {
          b.with(e);
        }
        b.i2l().invokestatic(MATH, "min", MIN_LONG).l2i().istore(slot);
        b.labelBinding(inner);
        b.iload(var).iload(slot).if_icmpge(h);
      }
    }

    private void findStripMinedLoops() {
      // Backward branches by target: a header with more than one is left alone.
      Map<Integer, Integer> backEdges = new HashMap<>();
      Map<Integer, Integer> latchOf = new HashMap<>();
      for (int i = 0; i < els.size(); i++) {
        for (Label t : targets(els.get(i))) {
          int ti = index(t);
          if (ti <= i) {
            backEdges.merge(ti, 1, Integer::sum);
            latchOf.put(ti, i);
          }
        }
      }
      for (Map.Entry<Integer, Integer> be : latchOf.entrySet()) {
        if (backEdges.get(be.getKey()) == 1) {
          StripMine loop = match(be.getKey(), be.getValue());
          if (loop != null) {
            int test = testIndex(loop.header);
            loopsByTest.put(test, loop);
            loopsByLatch.put(be.getValue(), loop);
            StackMapFrameInfo hf = frames.get(code.labelToBci(loop.h));
            List<VerificationTypeInfo> locals = withSlot(hf.locals(), code.maxLocals());
            added.add(StackMapFrameInfo.of(loop.inner, locals, hf.stack()));
            for (int k = loop.header + 1; k < be.getValue(); k++) {
              if (els.get(k) instanceof LabelTarget t) {
                int bci = code.labelToBci(t.label());
                StackMapFrameInfo f = frames.get(bci);
                if (f != null) {
                  replaced.put(
                      bci,
                      StackMapFrameInfo.of(
                          f.target(), withSlot(f.locals(), code.maxLocals()), f.stack()));
                }
              }
            }
          }
        }
      }
    }

    /** The element index of the header's conditional branch (the loop's test). */
    private int testIndex(int header) {
      int k = header + 1;
      while (!(els.get(k) instanceof BranchInstruction)) {
        k++;
      }
      return k;
    }

    private List<Label> targets(CodeElement e) {
      List<Label> t = new ArrayList<>();
      switch (e) {
        case BranchInstruction b -> t.add(b.target());
        case TableSwitchInstruction s -> {
          t.add(s.defaultTarget());
          s.cases().forEach(c -> t.add(c.target()));
        }
        case LookupSwitchInstruction s -> {
          t.add(s.defaultTarget());
          s.cases().forEach(c -> t.add(c.target()));
        }
        default -> {}
      }
      return t;
    }

    /**
     * The strip-mining of the loop from {@code header} to the latch {@code goto} at {@code latch}.
     */
    private StripMine match(int header, int latch) {
      if (!(els.get(latch) instanceof BranchInstruction g) || g.opcode() != Opcode.GOTO) {
        return null;
      }
      Label h = ((LabelTarget) els.get(header)).label();
      StackMapFrameInfo hf = frames.get(code.labelToBci(h));
      if (hf == null || !hf.stack().isEmpty()) {
        return null;
      }
      // Header: iload i; <bound>; if_icmpge EXIT, with nothing else (no label) in between.
      List<Instruction> head = new ArrayList<>();
      int k = header + 1;
      for (; k < latch && head.size() < 5; k++) {
        CodeElement e = els.get(k);
        if (e instanceof LabelTarget) {
          return null;
        }
        if (e instanceof Instruction ins) {
          head.add(ins);
          if (ins instanceof BranchInstruction) {
            break;
          }
        }
      }
      if (head.size() < 3
          || !(head.getFirst() instanceof LoadInstruction li)
          || li.typeKind() != TypeKind.INT
          || !(head.getLast() instanceof BranchInstruction test)
          || test.opcode() != Opcode.IF_ICMPGE
          || index(test.target()) <= latch) {
        return null;
      }
      int var = li.slot();
      List<CodeElement> bound = new ArrayList<>(head.subList(1, head.size() - 1));
      BoundKind kind = boundKind(bound, var);
      if (kind == null) {
        return null;
      }
      // Latch: iinc var 1 right before the goto (no label between them).
      int inc = latch - 1;
      while (inc > k
          && els.get(inc) instanceof PseudoInstruction
          && !(els.get(inc) instanceof LabelTarget)) {
        inc--;
      }
      if (!(els.get(inc) instanceof IncrementInstruction ii)
          || ii.slot() != var
          || ii.constant() != 1) {
        return null;
      }
      // Body: no inner loop, no call, no write to i (but the latch) or to the bound's locals,
      // no field store if the bound reads a field; nothing enters it from outside.
      int instructions = 0;
      for (int j = k + 1; j < inc; j++) {
        CodeElement e = els.get(j);
        if (e instanceof Instruction) {
          instructions++;
        }
        switch (e) {
          case InvokeInstruction _ -> {
            return null;
          }
          case InvokeDynamicInstruction _ -> {
            return null;
          }
          case DiscontinuedInstruction _ -> {
            return null;
          }
          case StoreInstruction s when s.slot() == var || kind.locals.contains(s.slot()) -> {
            return null;
          }
          case IncrementInstruction s when s.slot() == var || kind.locals.contains(s.slot()) -> {
            return null;
          }
          case FieldInstruction f
              when kind.readsFields
                  && (f.opcode() == Opcode.PUTFIELD || f.opcode() == Opcode.PUTSTATIC) -> {
            return null;
          }
          default -> {}
        }
        for (Label t : targets(e)) {
          int ti = index(t);
          if (ti <= j) {
            return null; // an inner loop (or a branch back to H)
          }
        }
      }
      // Nothing outside [header, latch] branches into (header, latch]; no handler is inside.
      for (int j = 0; j < els.size(); j++) {
        if (j >= header && j <= latch) {
          continue;
        }
        for (Label t : targets(els.get(j))) {
          int ti = index(t);
          if (ti > header && ti <= latch) {
            return null;
          }
        }
      }
      for (CodeElement e : els) {
        if (e instanceof ExceptionCatch c) {
          int hi = index(c.handler());
          if (hi > header && hi <= latch) {
            return null;
          }
        }
      }
      return new StripMine(header, var, bound, chunk(instructions + head.size() + 2), h);
    }

    /** What a loop bound reads: the locals it loads, whether it reads a field. */
    private record BoundKind(List<Integer> locals, boolean readsFields) {}

    /**
     * The bound, if it is a pure expression the body cannot change: an int local (not {@code i}), a
     * constant, or the length of an array held in a local or field, or an int field.
     */
    private BoundKind boundKind(List<CodeElement> bound, int var) {
      List<Integer> locals = new ArrayList<>();
      boolean fields = false;
      int depth = 0;
      for (CodeElement e : bound) {
        switch (e) {
          case LoadInstruction l
              when l.typeKind() == TypeKind.INT || l.typeKind() == TypeKind.REFERENCE -> {
            if (l.slot() == var) {
              return null;
            }
            locals.add(l.slot());
            depth++;
          }
          case ConstantInstruction c -> {
            if (!(c.constantValue() instanceof Integer)) {
              return null;
            }
            depth++;
          }
          case FieldInstruction f when f.opcode() == Opcode.GETFIELD -> fields = true;
          case FieldInstruction f when f.opcode() == Opcode.GETSTATIC -> {
            fields = true;
            depth++;
          }
          case OperatorInstruction o when o.opcode() == Opcode.ARRAYLENGTH -> {}
          default -> {
            return null;
          }
        }
      }
      if (depth != 1) {
        return null;
      }
      return new BoundKind(locals, fields);
    }

    /** {@code locals} with an int at {@code slot}, TOPs before it as needed. */
    private static List<VerificationTypeInfo> withSlot(
        List<VerificationTypeInfo> locals, int slot) {
      List<VerificationTypeInfo> out = new ArrayList<>(locals);
      int used = 0;
      for (VerificationTypeInfo v : locals) {
        used +=
            v == SimpleVerificationTypeInfo.LONG || v == SimpleVerificationTypeInfo.DOUBLE ? 2 : 1;
      }
      while (used < slot) {
        out.add(SimpleVerificationTypeInfo.TOP);
        used++;
      }
      out.add(SimpleVerificationTypeInfo.INTEGER);
      return out;
    }
  }
}
