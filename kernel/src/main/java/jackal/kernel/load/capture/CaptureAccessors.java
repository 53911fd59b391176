package jackal.kernel.load.capture;

import static java.lang.constant.ConstantDescs.CD_Class;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_void;

import java.io.ByteArrayInputStream;
import java.lang.classfile.AccessFlags;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.FieldModel;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.TypeKind;
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
 * The second half of making a program capturable: its objects and static fields. For each program
 * class (not interfaces) the loader adds, so that the kernel never reads or writes a program's
 * fields by reflection:
 *
 * <pre>
 * public static synthetic void $jackal$get(Capture t, Object o, long[] p, Object[] r)
 *     // field i of this class's own instance fields: p[i] = raw bits, or r[i] = reference
 * public static synthetic void $jackal$set(Capture t, Object o, long[] p, Object[] r)
 * public static synthetic void $jackal$getStatics(Capture t, long[] p, Object[] r)
 * public static synthetic void $jackal$setStatics(Capture t, long[] p, Object[] r)
 * public static synthetic Object $jackal$new(Capture t)   // new C(t): runs no program code
 * synthetic C(Capture t) { super(t); }  // or super() at Object or Record
 * static { if (Capture.initialized(C.class)) return; ...the class's own initializer... }
 * </pre>
 *
 * The first parameter, of a type no program can name ({@code jackal.confined.Capture}), keeps a
 * program from calling them (the verifier refuses any reference to that package); the kernel passes
 * null. Fields the accessors set lose {@code final} (only the loader's own code could write them
 * anyway: the verified program does not change). The initializer's prologue records the class as
 * initialized with its loader (the order the restore re-initializes them in) and, during a restore
 * of a class that was initialized at the capture, skips the body: its statics come from the state.
 * Enums keep their initializers (their constants are found by name; their other statics are set
 * after). Interfaces are left as they are: their fields are constants or set once by their
 * initializer, which runs again after a restore (docs/PERSISTENCE.md lists this).
 */
public final class CaptureAccessors {
  private CaptureAccessors() {}

  static final String GET = "$jackal$get";
  static final String SET = "$jackal$set";
  static final String GET_STATICS = "$jackal$getStatics";
  static final String SET_STATICS = "$jackal$setStatics";
  static final String NEW = "$jackal$new";

  private static final ClassDesc STATE = CaptureClasses.STATE;
  private static final ClassDesc LONGS = CaptureClasses.LONGS;
  private static final ClassDesc OBJECTS = CaptureClasses.OBJECTS;
  static final MethodTypeDesc FIELDS_TYPE =
      MethodTypeDesc.of(CD_void, STATE, CD_Object, LONGS, OBJECTS);
  static final MethodTypeDesc STATICS_TYPE = MethodTypeDesc.of(CD_void, STATE, LONGS, OBJECTS);
  static final MethodTypeDesc NEW_TYPE = MethodTypeDesc.of(CD_Object, STATE);
  private static final MethodTypeDesc CTOR_TYPE = MethodTypeDesc.of(CD_void, STATE);
  private static final int SYNTH =
      ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC | ClassFile.ACC_SYNTHETIC;

  /** The classes with accessors, and the shape of each program class. */
  public record Result(Map<String, byte[]> classes, Map<String, ClassShape> shapes) {}

  /**
   * Adds the accessors to every class of {@code program} (binary name to class file: the whole
   * program, already made capturable by {@link CaptureTransform}).
   */
  public static Result transform(Map<String, byte[]> program, ClassHierarchyResolver outside) {
    Map<String, ClassModel> models = new HashMap<>();
    for (Map.Entry<String, byte[]> e : program.entrySet()) {
      models.put(e.getKey(), ClassFile.of().parse(e.getValue()));
    }
    Map<String, ClassShape> shapes = new LinkedHashMap<>();
    for (String n : program.keySet()) {
      shape(n, models, shapes);
    }
    ClassHierarchyResolver resolver =
        ClassHierarchyResolver.ofResourceParsing(
                (ClassDesc d) -> {
                  String desc = d.descriptorString();
                  byte[] b =
                      desc.startsWith("L")
                          ? program.get(desc.substring(1, desc.length() - 1).replace('/', '.'))
                          : null;
                  return b == null ? null : new ByteArrayInputStream(b);
                })
            .orElse(outside);
    ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver));
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : program.entrySet()) {
      ClassModel m = models.get(e.getKey());
      ClassShape s = shapes.get(e.getKey());
      out.put(e.getKey(), m.flags().has(AccessFlag.INTERFACE) ? e.getValue() : emit(cf, m, s));
    }
    return new Result(out, Map.copyOf(shapes));
  }

  private static ClassShape shape(
      String name, Map<String, ClassModel> models, Map<String, ClassShape> shapes) {
    ClassShape done = shapes.get(name);
    if (done != null) {
      return done;
    }
    ClassModel m = models.get(name);
    String superName = m.superclass().map(c -> c.asInternalName().replace('/', '.')).orElse(null);
    List<String> fields = new ArrayList<>();
    List<String> statics = new ArrayList<>();
    for (FieldModel f : m.fields()) {
      String key = f.fieldName().stringValue() + ":" + f.fieldType().stringValue();
      if (!f.flags().has(AccessFlag.STATIC)) {
        fields.add(key);
      } else if (!isConstant(f) && !isEnumConstant(m, f)) {
        statics.add(key);
      }
    }
    boolean isInterface = m.flags().has(AccessFlag.INTERFACE);
    boolean isEnum;
    boolean chain;
    if (isInterface || superName == null) {
      isEnum = false;
      chain = false;
    } else if (models.containsKey(superName)) {
      ClassShape sup = shape(superName, models, shapes);
      isEnum = sup.isEnum();
      chain = !isEnum && sup.chained();
    } else {
      isEnum = superName.equals("java.lang.Enum");
      chain = superName.equals("java.lang.Object") || superName.equals("java.lang.Record");
    }
    boolean instantiable = chain && !m.flags().has(AccessFlag.ABSTRACT);
    ClassShape s =
        new ClassShape(
            name, superName, fields, statics, chain, instantiable, isEnum, !isInterface && !isEnum);
    shapes.put(name, s);
    return s;
  }

  private static boolean isConstant(FieldModel f) {
    return f.flags().has(AccessFlag.FINAL)
        && f.findAttribute(Attributes.constantValue()).isPresent();
  }

  private static boolean isEnumConstant(ClassModel m, FieldModel f) {
    String desc = "L" + m.thisClass().asInternalName() + ";";
    return f.flags().has(AccessFlag.ENUM)
        || (f.flags().has(AccessFlag.SYNTHETIC)
            && f.fieldName().stringValue().equals("$VALUES")
            && f.fieldType().stringValue().equals("[" + desc));
  }

  private static byte[] emit(ClassFile cf, ClassModel m, ClassShape s) {
    ClassDesc self = m.thisClass().asSymbol();
    boolean hasInit = m.methods().stream().anyMatch(x -> x.methodName().equalsString("<clinit>"));
    ClassTransform each =
        (ClassBuilder cb, ClassElement ce) -> {
          if (ce instanceof FieldModel f) {
            String key = f.fieldName().stringValue() + ":" + f.fieldType().stringValue();
            boolean captured =
                f.flags().has(AccessFlag.STATIC)
                    ? s.statics().contains(key)
                    : s.fields().contains(key);
            if (captured && f.flags().has(AccessFlag.FINAL)) {
              int flags = f.flags().flagsMask() & ~ClassFile.ACC_FINAL;
              cb.transformField(
                  f,
                  (fb, fe) -> {
                    if (fe instanceof AccessFlags) {
                      fb.withFlags(flags);
                    } else {
                      fb.with(fe);
                    }
                  });
            } else {
              cb.with(f);
            }
          } else if (ce instanceof MethodModel mm
              && mm.methodName().equalsString("<clinit>")
              && s.superName() != null) {
            cb.transformMethod(
                mm,
                (mb, me) -> {
                  if (me instanceof CodeModel code) {
                    mb.transformCode(
                        code,
                        new CodeTransform() {
                          @Override
                          public void atStart(CodeBuilder c) {
                            prologue(c, self);
                          }

                          @Override
                          public void accept(CodeBuilder c, CodeElement e) {
                            c.with(e);
                          }
                        });
                  } else {
                    mb.with(me);
                  }
                });
          } else {
            cb.with(ce);
          }
        };
    return cf.transformClass(
        m,
        each.andThen(
            ClassTransform.endHandler(
                cb -> {
                  if (!hasInit && !s.statics().isEmpty()) {
                    cb.withMethodBody(
                        "<clinit>",
                        MethodTypeDesc.of(CD_void),
                        ClassFile.ACC_STATIC,
                        c -> {
                          prologue(c, self);
                          c.return_();
                        });
                  }
                  accessors(cb, self, s);
                })));
  }

  /** {@code if (Capture.initialized(C.class)) return;}: records the class, skips on restore. */
  private static void prologue(CodeBuilder c, ClassDesc self) {
    Label run = c.newLabel();
    c.ldc(self)
        .invokestatic(STATE, "initialized", MethodTypeDesc.of(CD_boolean, CD_Class))
        .ifeq(run)
        .return_()
        .labelBinding(run);
  }

  private static void accessors(ClassBuilder cb, ClassDesc self, ClassShape s) {
    cb.withMethodBody(GET, FIELDS_TYPE, SYNTH, c -> fields(c, self, s.fields(), false, true));
    cb.withMethodBody(SET, FIELDS_TYPE, SYNTH, c -> fields(c, self, s.fields(), false, false));
    cb.withMethodBody(
        GET_STATICS, STATICS_TYPE, SYNTH, c -> fields(c, self, s.statics(), true, true));
    cb.withMethodBody(
        SET_STATICS, STATICS_TYPE, SYNTH, c -> fields(c, self, s.statics(), true, false));
    if (s.chained()) {
      ClassDesc sup = ClassDesc.of(s.superName());
      boolean programSuper =
          !s.superName().equals("java.lang.Object") && !s.superName().equals("java.lang.Record");
      cb.withMethodBody(
          ConstantDescs.INIT_NAME,
          CTOR_TYPE,
          ClassFile.ACC_PROTECTED | ClassFile.ACC_SYNTHETIC,
          c -> {
            c.aload(0);
            if (programSuper) {
              c.aconst_null().invokespecial(sup, ConstantDescs.INIT_NAME, CTOR_TYPE);
            } else {
              c.invokespecial(sup, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void));
            }
            c.return_();
          });
    }
    if (s.instantiable()) {
      cb.withMethodBody(
          NEW,
          NEW_TYPE,
          SYNTH,
          c ->
              c.new_(self)
                  .dup()
                  .aconst_null()
                  .invokespecial(self, ConstantDescs.INIT_NAME, CTOR_TYPE)
                  .areturn());
    }
  }

  /** Loads or stores each field of {@code fields} (of {@code self}) through the two arrays. */
  private static void fields(
      CodeBuilder c, ClassDesc self, List<String> fields, boolean statics, boolean get) {
    int obj = 1;
    int prims = statics ? 1 : 2;
    int refs = prims + 1;
    for (int i = 0; i < fields.size(); i++) {
      String f = fields.get(i);
      String name = f.substring(0, f.indexOf(':'));
      ClassDesc type = ClassDesc.ofDescriptor(f.substring(f.indexOf(':') + 1));
      TypeKind k = TypeKind.from(type);
      boolean ref = k == TypeKind.REFERENCE;
      if (get) {
        c.aload(ref ? refs : prims).loadConstant(i);
        if (statics) {
          c.getstatic(self, name, type);
        } else {
          c.aload(obj).checkcast(self).getfield(self, name, type);
        }
        if (ref) {
          c.aastore();
        } else {
          toBits(c, k);
          c.lastore();
        }
      } else {
        if (!statics) {
          c.aload(obj).checkcast(self);
        }
        c.aload(ref ? refs : prims).loadConstant(i);
        if (ref) {
          c.aaload();
          if (!type.equals(CD_Object)) {
            c.checkcast(type);
          }
        } else {
          c.laload();
          fromBits(c, k);
        }
        if (statics) {
          c.putstatic(self, name, type);
        } else {
          c.putfield(self, name, type);
        }
      }
    }
    c.return_();
  }

  private static void toBits(CodeBuilder c, TypeKind k) {
    switch (k) {
      case BOOLEAN, BYTE, CHAR, SHORT, INT -> c.i2l();
      case FLOAT ->
          c.invokestatic(
              STATE, "f2l", MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_float));
      case DOUBLE ->
          c.invokestatic(
              STATE, "d2l", MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_double));
      default -> {}
    }
  }

  private static void fromBits(CodeBuilder c, TypeKind k) {
    switch (k) {
      case INT -> c.l2i();
      case BOOLEAN -> c.l2i().iconst_1().iand();
      case BYTE -> c.l2i().i2b();
      case CHAR -> c.l2i().i2c();
      case SHORT -> c.l2i().i2s();
      case FLOAT ->
          c.invokestatic(
              STATE, "l2f", MethodTypeDesc.of(ConstantDescs.CD_float, ConstantDescs.CD_long));
      case DOUBLE ->
          c.invokestatic(
              STATE, "l2d", MethodTypeDesc.of(ConstantDescs.CD_double, ConstantDescs.CD_long));
      default -> {}
    }
  }
}
