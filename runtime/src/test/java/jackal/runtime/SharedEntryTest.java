package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.confined.sharedentry.NoDefaultConstructor;
import jackal.runtime.confined.sharedentry.Twin;
import org.junit.jupiter.api.Test;

/**
 * An entry class shared by the processes of its image (it holds no static state) is found once per
 * image, with its constructor, and each process still gets an entry object of its own. Every
 * program is loaded from pages, as users' programs are.
 */
class SharedEntryTest {
  @Test
  void processesOfAnImageWhoseEntryIsSharedEachGetAnEntryObjectOfTheirOwn() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace space = progs.space(Twin.class);
      ObjectRef asked = progs.process("asked", space);
      ObjectRef asker = progs.process("asker", space);
      s.give(asker, CapReg.APP0, s.k.entry(s.endpoint(asked, 1), 0));
      s.runUntilQuiet(asked, asker);
      assertThat(s.info(asker).exited()).as("%s", s.console()).isTrue();
      // One class for both (the image shares it), two objects, each counting its own run once.
      assertThat(s.console())
          .contains("twin runs mine=1 peer=1 same entry object=false same entry class=true");
    }
  }

  @Test
  void aSharedEntryWithoutAPublicNoArgumentConstructorIsRefusedToEveryProcessOfItsImage()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace space = progs.space(NoDefaultConstructor.class);
      ObjectRef first = progs.process("first", space);
      ObjectRef second = progs.process("second", space);
      s.runUntilQuiet(first, second);
      // The refusal is not remembered as a constructor: the second load is refused the same way.
      assertThat(s.info(first).died()).as("%s", s.console()).isTrue();
      assertThat(s.info(second).died()).as("%s", s.console()).isTrue();
      assertThat(s.console().split("has no public constructor without arguments", -1))
          .as("%s", s.console())
          .hasSize(3);
    }
  }
}
