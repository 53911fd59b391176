package jackal.kernel.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Capturability is a kernel setting (KernelConfig.capture): a loader without it defines a program's
 * classes with only the preemption checks, nothing of the capture transform, so a kernel that does
 * not persist pays nothing for it; a loader with it makes the same image capturable. The verified
 * images of the two are kept apart, so neither kernel is handed the other's classes.
 */
class CaptureSettingTest {
  static final String NAME = "sample.Sum";

  /**
   * A program class with a loop (so a preemption check, a capture point): sum of 1..n. Stateless,
   * so an image's processes share it.
   */
  static byte[] shapes() {
    return ClassFile.of()
        .build(
            ClassDesc.of(NAME),
            cb ->
                cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL)
                    .withMethodBody(
                        "sum",
                        MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_int),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code -> {
                          Label top = code.newLabel();
                          Label end = code.newLabel();
                          code.lconst_0()
                              .lstore(1)
                              .labelBinding(top)
                              .iload(0)
                              .ifle(end)
                              .lload(1)
                              .iload(0)
                              .i2l()
                              .ladd()
                              .lstore(1)
                              .iinc(0, -1)
                              .goto_(top)
                              .labelBinding(end)
                              .lload(1)
                              .lreturn();
                        }));
  }

  private static Segment shapesSegment() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry(NAME.replace('.', '/') + ".class"));
      zip.write(shapes());
      zip.closeEntry();
    }
    return Segment.parse(bytes.toByteArray());
  }

  /** Whether the class names the JVM-wide capture class or has generated capture methods. */
  private static boolean transformedForCapture(byte[] classFile) {
    ClassModel m = ClassFile.of().parse(classFile);
    for (MethodModel method : m.methods()) {
      if (method.methodName().stringValue().startsWith("$jackal$")) {
        return true;
      }
    }
    for (PoolEntry e : m.constantPool()) {
      if (e instanceof ClassEntry c && c.asInternalName().startsWith("jackal/confined/Capture")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aLoaderWithoutCaptureDefinesProgramClassesWithNothingOfTheCaptureTransform()
      throws IOException {
    VerifiedProgram p =
        new ProgramLoader(AllowList.standard(), false).verify(List.of(shapesSegment()));
    assertThat(p.isCapturable()).isFalse();
    assertThat(p.plan()).isNull();
    byte[] defined = p.definable(NAME);
    assertThat(transformedForCapture(defined)).isFalse();
    assertThat(defined)
        .as("only the preemption checks")
        .isEqualTo(ProgramRewriter.rewrite(shapes()));
  }

  @Test
  void aLoaderWithCaptureMakesTheSameImageCapturableAndKeepsItApartFromThePlainOne()
      throws IOException {
    Segment seg = shapesSegment();
    VerifiedProgram plain = new ProgramLoader(AllowList.standard(), false).verify(List.of(seg));
    VerifiedProgram capturable = new ProgramLoader(AllowList.standard(), true).verify(List.of(seg));
    assertThat(capturable.isCapturable()).isTrue();
    assertThat(transformedForCapture(capturable.definable(NAME))).isTrue();
    assertThat(capturable.digest())
        .as("state names the image, not the setting")
        .isEqualTo(plain.digest());
    assertThat(new ProgramLoader(AllowList.standard(), false).verify(List.of(seg)))
        .as("a plain loader after a capturing one still gets the plain program")
        .isSameAs(plain);
  }
}
