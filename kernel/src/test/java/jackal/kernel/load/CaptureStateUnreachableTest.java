package jackal.kernel.load;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_long;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A program that names the capture state to forge a restore (set {@code Capture.restoring}, or hand
 * it frames of its own making, which would rebuild another method's locals with chosen values) is
 * refused by the loader's verifier before it is defined: the capture state is kernel code, and a
 * program reaches nothing of the kernel but its API.
 */
class CaptureStateUnreachableTest {
  private static final ClassDesc CAPTURE = ClassDesc.of("jackal.kernel.load.capture.Capture");
  private static final ClassDesc FRAME = ClassDesc.of("jackal.kernel.load.capture.Frame");

  private static byte[] program(Consumer<CodeBuilder> body) {
    return ClassFile.of()
        .build(
            ClassDesc.of("hostile.Forger"),
            cb ->
                cb.withSuperclass(CD_Object)
                    .withMethodBody(
                        "run",
                        MethodTypeDesc.of(CD_long, CD_long),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> {
                          body.accept(code);
                          code.lconst_0().lreturn();
                        }));
  }

  private static void assertRefused(byte[] hostile) {
    Map<String, java.lang.classfile.ClassModel> image =
        Verifier.parse(Map.of("hostile/Forger", hostile));
    assertThatThrownBy(() -> Verifier.verify(AllowList.standard(), image, image.values()))
        .isInstanceOfSatisfying(
            LoadFailure.class,
            f -> assertThat(f.getMessage()).contains("hostile.Forger").contains("capture"));
  }

  @Test
  void aProgramSettingTheRestoreFlagIsRefused() {
    assertRefused(program(code -> code.iconst_1().putstatic(CAPTURE, "restoring", CD_boolean)));
  }

  @Test
  void aProgramHandingTheKernelFramesOfItsOwnIsRefused() {
    assertRefused(
        program(
            code ->
                code.new_(FRAME)
                    .dup()
                    .ldc("victim/Server.run(J)J")
                    .iconst_0()
                    .iconst_1()
                    .newarray(java.lang.classfile.TypeKind.LONG)
                    .iconst_1()
                    .anewarray(CD_Object)
                    .invokespecial(
                        FRAME,
                        "<init>",
                        MethodTypeDesc.ofDescriptor("(Ljava/lang/String;I[J[Ljava/lang/Object;)V"))
                    .invokestatic(
                        ClassDesc.of("java.util.List"),
                        "of",
                        MethodTypeDesc.ofDescriptor("(Ljava/lang/Object;)Ljava/util/List;"),
                        true)
                    .invokestatic(
                        CAPTURE,
                        "beginRestore",
                        MethodTypeDesc.ofDescriptor("(Ljava/util/List;)V"))));
  }

  private static final ClassDesc CONFINED = ClassDesc.of("jackal.confined.Capture");

  private static void assertRefusedNaming(byte[] hostile, String what) {
    Map<String, java.lang.classfile.ClassModel> image =
        Verifier.parse(Map.of("hostile/Forger", hostile));
    assertThatThrownBy(() -> Verifier.verify(AllowList.standard(), image, image.values()))
        .isInstanceOfSatisfying(
            LoadFailure.class,
            f -> assertThat(f.getMessage()).contains("hostile.Forger").contains(what));
  }

  @Test
  void aProgramRaisingTheJvmWideRestoreCountIsRefused() {
    assertRefusedNaming(
        program(code -> code.iconst_1().putstatic(CONFINED, "restoring", ConstantDescs.CD_int)),
        "jackal.confined.Capture");
  }

  @Test
  void aProgramAskingTheRestoreHookForAnotherMethodsFrameIsRefused() {
    assertRefusedNaming(
        program(
            code ->
                code.ldc("victim/Server.run(J)J")
                    .invokestatic(
                        CONFINED,
                        "restore",
                        MethodTypeDesc.ofDescriptor("(Ljava/lang/String;)[Ljava/lang/Object;"))
                    .pop()),
        "jackal.confined.Capture");
  }

  @Test
  void aProgramCallingAnotherClassesGeneratedFieldWriterIsRefused() {
    // $jackal$set's first parameter is of a type no program may name, so its descriptor alone
    // refuses the reference: a program cannot overwrite another object's private fields.
    assertRefusedNaming(
        program(
            code ->
                code.aconst_null()
                    .aconst_null()
                    .aconst_null()
                    .aconst_null()
                    .invokestatic(
                        ClassDesc.of("hostile.Victim"),
                        "$jackal$set",
                        MethodTypeDesc.ofDescriptor(
                            "(Ljackal/confined/Capture;Ljava/lang/Object;[J[Ljava/lang/Object;)V"))),
        "hostile.Victim");
  }
}
