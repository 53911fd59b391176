package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.confined.HonestClient;
import jackal.runtime.confined.lib.SharedLibraryState;
import java.io.ByteArrayOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The program image and how the kernel reads it: through the process's space with execute
 * permission, faulting as any access does, and within bounds, so a bad image is a clear error and
 * never a kernel failure.
 */
class ProgramImageTest {

  private static ProcessInfo runAlone(TestSystem s, ObjectRef p) throws InterruptedException {
    s.runUntilQuiet(p);
    return s.info(p);
  }

  @Test
  void anImageReachedThroughANoExecuteCapabilityFaultsWithNoExecute() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace ok = progs.space(HonestClient.class);
      ObjectRef p =
          progs.process(
              "nx", new ProgramSpace(s.k.restricted(ok.space(), Restr.NO_EXECUTE), ok.pc()));
      ProcessInfo info = runAlone(s, p);
      assertThat(info.faultCode()).isEqualTo(FaultCode.NO_EXECUTE);
      assertThat(info.faultInfo()).isEqualTo(ok.pc());
    }
  }

  @Test
  void aPcAtAnUnmappedAddressFaultsWithInvalidDataReference() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace ok = progs.space(HonestClient.class);
      ObjectRef p = progs.process("unmapped", new ProgramSpace(ok.space(), 9L << 32));
      ProcessInfo info = runAlone(s, p);
      assertThat(info.faultCode()).isEqualTo(FaultCode.INVALID_DATA_REFERENCE);
      assertThat(info.faultInfo()).isEqualTo(9L << 32);
    }
  }

  @Test
  void aDataPageIsNotExecutableSoAPcThereFaultsWithNoExecute() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace ok = progs.space(HonestClient.class);
      ObjectRef p = progs.process("data", new ProgramSpace(ok.space(), 0));
      ProcessInfo info = runAlone(s, p);
      assertThat(info.faultCode()).isEqualTo(FaultCode.NO_EXECUTE);
      assertThat(info.faultInfo()).isZero();
    }
  }

  @Test
  void aPcAtBytesThatAreNoImageHeaderFaultsWithBadProgramImage() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace raw = progs.rawSpace(new byte[64], Programs.jar(HonestClient.class));
      ObjectRef p = progs.process("zeros", raw);
      ProcessInfo info = runAlone(s, p);
      assertThat(info.faultCode()).isEqualTo(FaultCode.BAD_PROGRAM_IMAGE);
      assertThat(info.faultInfo()).isEqualTo(raw.pc());
      assertThat(s.console()).contains("bad program image: no program image header (bad magic)");
    }
  }

  @Test
  void aHeaderClaimingAHugeSegmentIsABadImageBeforeAnythingIsRead() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      byte[] jar = Programs.jar(HonestClient.class);
      byte[] header =
          Programs.header(HonestClient.class.getName(), new long[] {2L << 32}, new byte[][] {jar});
      // Overwrite the segment's length with a terabyte.
      java.nio.ByteBuffer.wrap(header)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .putLong(24 + 8, 1L << 40);
      ObjectRef p = progs.process("huge", progs.rawSpace(header, jar));
      ProcessInfo info = runAlone(s, p);
      assertThat(info.faultCode()).isEqualTo(FaultCode.BAD_PROGRAM_IMAGE);
      assertThat(s.console())
          .contains("bad program image: segment 0 is 1099511627776 bytes (1..16777216)");
    }
  }

  @Test
  void anEntryClassThatIsNoProgramEntryFaultsWithBadProgramImage() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef p = progs.process("not-an-entry", SharedLibraryState.class);
      ProcessInfo info = runAlone(s, p);
      assertThat(info.faultCode()).isEqualTo(FaultCode.BAD_PROGRAM_IMAGE);
      assertThat(s.console())
          .contains(
              "entry class jackal.runtime.confined.lib.SharedLibraryState does not implement"
                  + " ProgramEntry");
    }
  }

  @Test
  void anEntryClassMissingFromTheImageIsRefusedWhenTheSpaceIsBuilt() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      assertThatThrownBy(() -> progs.space("no.Such", Programs.jar(HonestClient.class)))
          .isInstanceOf(ProgramRefusedException.class)
          .hasMessage("bad program image: entry class no.Such is not in the image");
    }
  }

  @Test
  void aZipBombIsRefusedWhenItsSegmentIsStored() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      z.putNextEntry(new ZipEntry("bomb.bin"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 80; i++) {
        z.write(zeros);
      }
      z.closeEntry();
    }
    assertThat(bytes.size()).isLessThan(1 << 20);
    try (TestSystem s = new TestSystem(1)) {
      assertThatThrownBy(() -> s.k.newCodeSegment(bytes.toByteArray()))
          .isInstanceOf(ProgramRefusedException.class)
          .hasMessage("bad program image: jar inflates to more than 67108864 bytes");
    }
  }

  @Test
  void aJarOfTooManyEntriesIsRefusedWhenItsSegmentIsStored() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (int i = 0; i <= 8192; i++) {
        z.putNextEntry(new ZipEntry("e" + i));
        z.closeEntry();
      }
    }
    try (TestSystem s = new TestSystem(1)) {
      assertThatThrownBy(() -> s.k.newCodeSegment(bytes.toByteArray()))
          .isInstanceOf(ProgramRefusedException.class)
          .hasMessage("bad program image: jar has more than 8192 entries");
    }
  }

  @Test
  void bytesThatAreNoJarAreRefusedWhenTheirSegmentIsStored() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      assertThatThrownBy(() -> s.k.newCodeSegment(new byte[] {1, 2, 3, 4, 5}))
          .isInstanceOf(ProgramRefusedException.class)
          .hasMessage("bad program image: segment holds no class files");
    }
  }
}
