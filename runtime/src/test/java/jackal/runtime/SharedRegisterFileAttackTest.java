package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.confined.RegisterFiles;
import jackal.runtime.idl.coyotos.CapClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Every fresh process reads its capability registers from one shared, all-Null file until it stores
 * its first capability (issue 10: a waiting server that was never sent a capability costs no
 * register file). Attack: two programs loaded from pages and started with no capability at all,
 * both reading the shared file; capabilities delivered into the first one's registers must be in no
 * register of the second, which shows a client every register it was never given anything in.
 */
class SharedRegisterFileAttackTest {

  @Test
  void capabilitiesDeliveredToOneFreshProcessAreInNoRegisterOfAnother() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace planterSpace = progs.space(RegisterFiles.Planter.class, RegisterFiles.class);
      ProgramSpace snoopSpace = progs.space(RegisterFiles.Snoop.class, RegisterFiles.class);
      // Bare processes (not TestSystem's, which fill registers): no register is ever given.
      ObjectRef planter = s.k.newProcess("planter");
      s.k.setSpaceAndPC(planter, planterSpace.space(), planterSpace.pc());
      ObjectRef snoop = s.k.newProcess("snoop");
      s.k.setSpaceAndPC(snoop, snoopSpace.space(), snoopSpace.pc());
      List<Long> planted = new CopyOnWriteArrayList<>();
      List<Long> seen = new CopyOnWriteArrayList<>();
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                CapClient caps = new CapClient(new Ipc(sys));
                ipc.w[ParameterBlock.SNDCAP + 1] = TestSystem.reg(TestSystem.KERNLOG);
                ipc.w[ParameterBlock.SNDCAP + 2] = TestSystem.reg(TestSystem.DISCRIM);
                ipc.w[ParameterBlock.SNDCAP + 3] = TestSystem.reg(TestSystem.CAPBITS);
                if (!ipc.call(TestSystem.reg(CapReg.APP0), 0, 3, 2)) {
                  planted.add(-1L);
                  return;
                }
                for (int i = 0; i < 3; i++) {
                  planted.add(caps.getType(TestSystem.reg(CapReg.REPLY0 + i)));
                }
                for (int base = 1; base < 32; base += 3) {
                  ipc.w[1] = base;
                  if (!ipc.call(TestSystem.reg(CapReg.APP0 + 1), 1, 0, 2)) {
                    seen.add(-1L);
                    return;
                  }
                  for (int i = 0; i < 3; i++) {
                    seen.add(caps.getType(TestSystem.reg(CapReg.REPLY0 + i)));
                  }
                }
              });
      s.give(client, CapReg.APP0, s.k.entry(s.endpoint(planter, 1), 0));
      s.give(client, CapReg.APP0 + 1, s.k.entry(s.endpoint(snoop, 2), 0));
      s.runUntilQuiet(planter, snoop, client);
      assertThat(planted)
          .as("the planter holds what it was sent (%s)", s.console())
          .containsExactly(Codes.IKT_KERN_LOG, Codes.IKT_DISCRIM, Codes.IKT_CAP_BITS);
      assertThat(seen).as("every register of the snoop (%s)", s.console()).hasSize(33);
      assertThat(seen).containsOnly(Codes.IKT_NULL);
    }
  }
}
