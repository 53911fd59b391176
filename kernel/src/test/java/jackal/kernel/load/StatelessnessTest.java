package jackal.kernel.load;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.attribute.ConstantValueAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Which classes of an image the loader may share among its processes: only those that can hold no
 * state, closed over their package and over every class they name. Each attack is a class an author
 * could write to get a shared class that remembers something.
 */
class StatelessnessTest {
  private static final int STATIC = ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC;

  private final Map<String, byte[]> image = new HashMap<>();

  private void add(String internalName, int version, Consumer<ClassBuilder> body) {
    image.put(
        internalName,
        ClassFile.of()
            .build(
                ClassDesc.ofInternalName(internalName),
                cb -> {
                  cb.withVersion(version, 0).withSuperclass(CD_Object);
                  body.accept(cb);
                }));
  }

  private void add(String internalName, Consumer<ClassBuilder> body) {
    add(internalName, ClassFile.latestMajorVersion(), body);
  }

  private Set<String> shared() {
    Map<String, ClassModel> models = Verifier.parse(image);
    return Statelessness.shareable(models);
  }

  /** A static method {@code get()J} returning 1, referring to nothing. */
  private static void pureMethod(ClassBuilder cb) {
    cb.withMethodBody("get", MethodTypeDesc.of(CD_long), STATIC, code -> code.lconst_1().lreturn());
  }

  @Test
  void aClassWithOnlyConstantsAndCodeIsShared() {
    add(
        "pure/Maths",
        cb -> {
          pureMethod(cb);
          cb.withField(
              "ANSWER",
              CD_long,
              fb ->
                  fb.withFlags(STATIC | ClassFile.ACC_FINAL).with(ConstantValueAttribute.of(42L)));
        });
    assertThat(shared()).containsExactly("pure.Maths");
  }

  @Test
  void aMutableStaticFieldKeepsTheClassPerProcess() {
    add("state/Counter", cb -> cb.withField("count", CD_long, STATIC));
    assertThat(shared()).isEmpty();
  }

  @Test
  void aStaticInitialiserKeepsTheClassPerProcess() {
    // The classic dodge of "final": a final static array made in <clinit>, written through later.
    add(
        "state/Cell",
        cb ->
            cb.withField("CELL", CD_long.arrayType(), STATIC | ClassFile.ACC_FINAL)
                .withMethodBody(
                    "<clinit>",
                    MethodTypeDesc.of(CD_void),
                    ClassFile.ACC_STATIC,
                    code ->
                        code.iconst_1()
                            .newarray(java.lang.classfile.TypeKind.LONG)
                            .putstatic(
                                ClassDesc.ofInternalName("state/Cell"), "CELL", CD_long.arrayType())
                            .return_()));
    assertThat(shared()).isEmpty();
  }

  @Test
  void anOldClassFileWritingItsFinalStaticFromAMethodIsPerProcess() {
    // Before class file version 53 the JVM lets any method of a class write its final statics: a
    // final field without <clinit> is no proof of a constant there.
    ClassDesc self = ClassDesc.ofInternalName("old/Sneaky");
    add(
        "old/Sneaky",
        52,
        cb ->
            cb.withField("value", CD_long, STATIC | ClassFile.ACC_FINAL)
                .withMethodBody(
                    "set",
                    MethodTypeDesc.of(CD_void, CD_long),
                    STATIC,
                    code -> code.lload(0).putstatic(self, "value", CD_long).return_()));
    assertThat(shared()).isEmpty();
  }

  @Test
  void aStatelessClassNamingAStatefulOneIsPerProcess() {
    add("state/Counter", cb -> cb.withField("count", CD_long, STATIC));
    add(
        "user/Reader",
        cb ->
            cb.withMethodBody(
                "read",
                MethodTypeDesc.of(CD_long),
                STATIC,
                code ->
                    code.getstatic(ClassDesc.ofInternalName("state/Counter"), "count", CD_long)
                        .lreturn()));
    // And one level further: a stateless class naming the stateless reader of a stateful class.
    add(
        "user2/Caller",
        cb ->
            cb.withMethodBody(
                "call",
                MethodTypeDesc.of(CD_long),
                STATIC,
                code ->
                    code.invokestatic(
                            ClassDesc.ofInternalName("user/Reader"),
                            "read",
                            MethodTypeDesc.of(CD_long))
                        .lreturn()));
    add("free/Alone", StatelessnessTest::pureMethod);
    assertThat(shared()).containsExactly("free.Alone");
  }

  @Test
  void aStatelessClassInThePackageOfAStatefulOneIsPerProcess() {
    // Shared, it would be in another runtime package than its package-mates, and package-private
    // access between them would break; so a package is shared whole or not at all.
    add("mixed/State", cb -> cb.withField("count", CD_long, STATIC));
    add("mixed/Pure", StatelessnessTest::pureMethod);
    assertThat(shared()).isEmpty();
  }

  @Test
  void aClassNamedOnlyInAMethodDescriptorCountsAsNamed() {
    add("state/Counter", cb -> cb.withField("count", CD_long, STATIC));
    add(
        "user/Takes",
        cb ->
            cb.withMethodBody(
                "take",
                MethodTypeDesc.of(CD_void, ClassDesc.ofInternalName("state/Counter").arrayType()),
                STATIC,
                code -> code.return_()));
    assertThat(shared()).isEmpty();
  }
}
