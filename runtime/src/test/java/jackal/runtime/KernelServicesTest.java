package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.Halt;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.CheckpointCkptIncompleteException;
import jackal.runtime.idl.coyotos.CheckpointClient;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idl.coyotos.DiscrimCodes;
import jackal.runtime.idl.coyotos.IOPrivCodes;
import jackal.runtime.idl.coyotos.IrqCtlClient;
import jackal.runtime.idl.coyotos.IrqCtlCodes;
import jackal.runtime.idl.coyotos.ObStoreCodes;
import jackal.runtime.idl.coyotos.PinCtlCodes;
import jackal.runtime.idl.coyotos.ProcessClient;
import jackal.runtime.idl.coyotos.ProcessCodes;
import jackal.runtime.idl.coyotos.SchedCtlCodes;
import jackal.runtime.idl.coyotos.ScheduleCodes;
import jackal.runtime.idl.coyotos.SysCtlClient;
import jackal.runtime.idl.coyotos.SysCtlCodes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The kernel services an image can hand out beyond the IPC and memory objects: each answers getType
 * with its own interface type, and its methods as Coyotos's do (or, for those Coyotos left without
 * a working interface, UnknownRequest).
 */
class KernelServicesTest {
  private static final int SERVICE = 8;
  private static final int FETCHED = 9;

  /** What a test program does with the service in register {@link #SERVICE}. */
  private interface Body {
    void run(Ipc ipc, List<Object> seen) throws Exception;
  }

  /** Runs {@code body} in one process holding {@code service}; returns what it recorded. */
  private static List<Object> runWith(KernelService service, Body body) throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<Object> seen = new CopyOnWriteArrayList<>();
      ObjectRef p =
          s.process(
              "user",
              sys -> {
                try {
                  body.run(new Ipc(sys), seen);
                } catch (Exception e) {
                  seen.add(e);
                }
              });
      s.give(p, SERVICE, s.k.kernelCap(service));
      s.runUntilQuiet(p);
      assertThat(s.k.halted()).isEmpty();
      return seen;
    }
  }

  /** The exception code of a call, or "ok". */
  private interface Call {
    void run() throws KernelException;
  }

  private static Object outcome(Call c) {
    try {
      c.run();
      return "ok";
    } catch (KernelException e) {
      return e.code();
    }
  }

  /** getType, and destroy (a Cap method no kernel service implements), on the service. */
  private static List<Object> typeAndDestroy(KernelService service) throws Exception {
    return runWith(
        service,
        (ipc, seen) -> {
          CapClient cap = new CapClient(ipc);
          seen.add(cap.getType(reg(SERVICE)));
          seen.add(outcome(() -> cap.destroy(reg(SERVICE))));
        });
  }

  @Test
  void everyProcessTheBootApiMakesHoldsAScheduleThatAnswersItsType() throws Exception {
    List<Object> seen =
        runWith(
            KernelService.DISCRIM,
            (ipc, out) -> {
              new ProcessClient(ipc)
                  .getSlot(reg(CapReg.SELF), ProcessCodes.cslot.schedule, reg(FETCHED));
              out.add(new CapClient(ipc).getType(reg(FETCHED)));
              out.add(new DiscrimClient(ipc).classify(reg(SERVICE), reg(FETCHED)));
              out.add(outcome(() -> new CapClient(ipc).destroy(reg(FETCHED))));
            });
    assertThat(seen)
        .containsExactly(
            ScheduleCodes.IKT, DiscrimCodes.capClass.clSched, Codes.RC_UNKNOWN_REQUEST);
  }

  @Test
  void scheduleServiceAnswersItsTypeAndNothingElse() throws Exception {
    assertThat(typeAndDestroy(KernelService.SCHEDULE))
        .containsExactly(ScheduleCodes.IKT, Codes.RC_UNKNOWN_REQUEST);
  }

  @Test
  void schedCtlAnswersItsTypeAndRefusesEveryOtherRequest() throws Exception {
    assertThat(typeAndDestroy(KernelService.SCHED_CTL))
        .containsExactly(SchedCtlCodes.IKT, Codes.RC_UNKNOWN_REQUEST);
  }

  @Test
  void obStoreAnswersItsTypeAndRefusesEveryOtherRequest() throws Exception {
    assertThat(typeAndDestroy(KernelService.OB_STORE))
        .containsExactly(ObStoreCodes.IKT, Codes.RC_UNKNOWN_REQUEST);
  }

  @Test
  void pinCtlAnswersItsTypeAndRefusesEveryOtherRequest() throws Exception {
    assertThat(typeAndDestroy(KernelService.PIN_CTL))
        .containsExactly(PinCtlCodes.IKT, Codes.RC_UNKNOWN_REQUEST);
  }

  @Test
  void ioPrivAnswersItsTypeAndRefusesEveryOtherRequest() throws Exception {
    assertThat(typeAndDestroy(KernelService.IO_PRIV))
        .containsExactly(IOPrivCodes.IKT, Codes.RC_UNKNOWN_REQUEST);
  }

  @Test
  void aHaltSentToAServiceThatIsNotSysCtlIsUnknownAndStopsNothing() throws Exception {
    // An attacker holding only SchedCtl tries SysCtl's opcode on it: refused, system runs on.
    List<Object> seen =
        runWith(
            KernelService.SCHED_CTL,
            (ipc, out) -> {
              out.add(outcome(() -> new SysCtlClient(ipc).halt(reg(SERVICE))));
              out.add("still running");
            });
    assertThat(seen).containsExactly(Codes.RC_UNKNOWN_REQUEST, "still running");
  }

  @Test
  void checkpointSnapshotRaisesCkptIncompleteOnAKernelWithNoStore() throws Exception {
    List<Object> seen =
        runWith(
            KernelService.CHECKPOINT,
            (ipc, out) -> {
              CheckpointClient ckpt = new CheckpointClient(ipc);
              out.add(new CapClient(ipc).getType(reg(SERVICE)));
              try {
                ckpt.snapshot(reg(SERVICE));
                out.add("snapshot taken");
              } catch (CheckpointCkptIncompleteException e) {
                out.add("CkptIncomplete");
              }
            });
    assertThat(seen)
        .containsExactly(jackal.runtime.idl.coyotos.CheckpointCodes.IKT, "CkptIncomplete");
  }

  @Test
  void processCheckpointAnswersNotSafeOnAKernelWithNoStore() throws Exception {
    List<Object> seen =
        runWith(
            KernelService.CHECKPOINT,
            (ipc, out) -> out.add(new CheckpointClient(ipc).processCheckpoint(reg(SERVICE))));
    assertThat(seen).containsExactly(false);
  }

  @Test
  void checkpointRefusesASnapshotRequestCarryingExtraWords() throws Exception {
    List<Object> seen =
        runWith(
            KernelService.CHECKPOINT,
            (ipc, out) -> {
              ipc.w[1] = Codes.OC_CHECKPOINT_SNAPSHOT;
              ipc.w[2] = 1;
              ipc.call(reg(SERVICE), 2, 0, -1);
              out.add(ipc.w[1]);
            });
    assertThat(seen).containsExactly(Codes.RC_REQUEST_ERROR);
  }

  @Test
  void irqCtlHasNoLinesSoEveryLineIsARequestError() throws Exception {
    List<Object> seen =
        runWith(
            KernelService.IRQ_CTL,
            (ipc, out) -> {
              IrqCtlClient irq = new IrqCtlClient(ipc);
              long t = reg(SERVICE);
              out.add(new CapClient(ipc).getType(t));
              out.add(outcome(() -> irq.getIrqWait(t, 0, reg(FETCHED))));
              out.add(new DiscrimClient(ipc).classify(reg(TestSystem.DISCRIM), reg(FETCHED)));
              out.add(outcome(() -> irq.bindIrq(t, 1)));
              out.add(outcome(() -> irq.enable(t, 0)));
              out.add(outcome(() -> irq.disable(t, 0)));
              out.add(outcome(() -> irq.wait_(t, 0))); // answers at once: it never blocks
            });
    long re = Codes.RC_REQUEST_ERROR;
    assertThat(seen)
        .containsExactly(IrqCtlCodes.IKT, re, DiscrimCodes.capClass.clNull, re, re, re, re);
  }

  // ------------------------------------------------------------------ SysCtl

  /** Boots a process that invokes SysCtl method {@code op}; returns how the system stopped. */
  private static Halt stopWith(int op, List<Object> seen) throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      ObjectRef p =
          s.process(
              "stopper",
              sys -> {
                Ipc ipc = new Ipc(sys);
                CapClient cap = new CapClient(ipc);
                seen.add(cap.getType(reg(SERVICE)));
                ipc.w[1] = op;
                ipc.call(reg(SERVICE), 1, 0, -1);
                seen.add("returned");
              });
      s.give(p, SERVICE, s.k.kernelCap(KernelService.SYS_CTL));
      s.k.start(p);
      s.boot();
      Halt how = s.k.awaitHalt(Duration.ofSeconds(30)).orElseThrow();
      assertThat(s.k.halted()).contains(how);
      return how;
    }
  }

  @Test
  void sysCtlHaltStopsTheSystemAndNeverReturnsToItsCaller() throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    assertThat(stopWith(SysCtlCodes.OC_halt, seen)).isEqualTo(Halt.HALT);
    Thread.sleep(50);
    assertThat(seen).containsExactly(SysCtlCodes.IKT);
  }

  @Test
  void sysCtlPowerdownStopsTheSystemAsAPowerdown() throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    assertThat(stopWith(SysCtlCodes.OC_powerdown, seen)).isEqualTo(Halt.POWERDOWN);
    assertThat(seen).containsExactly(SysCtlCodes.IKT);
  }

  @Test
  void sysCtlRebootStopsTheSystemAsAReboot() throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    assertThat(stopWith(SysCtlCodes.OC_reboot, seen)).isEqualTo(Halt.REBOOT);
    assertThat(seen).containsExactly(SysCtlCodes.IKT);
  }

  @Test
  void haltStopsProcessesOnOtherCpusToo() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      java.util.concurrent.atomic.AtomicLong spins = new java.util.concurrent.atomic.AtomicLong();
      ObjectRef spinner =
          s.process(
              "spinner",
              sys -> {
                for (; ; ) {
                  spins.incrementAndGet();
                  new Ipc(sys).yieldCpu();
                }
              });
      ObjectRef stopper =
          s.process("stopper", sys -> new SysCtlClient(new Ipc(sys)).halt(reg(SERVICE)));
      s.give(stopper, SERVICE, s.k.kernelCap(KernelService.SYS_CTL));
      s.k.start(spinner);
      s.k.start(stopper);
      s.boot();
      assertThat(s.k.awaitHalt(Duration.ofSeconds(30))).contains(Halt.HALT);
      Thread.sleep(50);
      long after = spins.get();
      Thread.sleep(100);
      assertThat(spins.get()).isEqualTo(after);
    }
  }

  @Test
  void malformedHaltIsRefusedAndTheSystemRunsOn() throws Exception {
    List<Object> seen =
        runWith(
            KernelService.SYS_CTL,
            (ipc, out) -> {
              ipc.w[1] = SysCtlCodes.OC_halt;
              ipc.w[2] = 0xDEAD;
              ipc.call(reg(SERVICE), 2, 0, -1); // a stray data word
              out.add(ipc.w[1]);
              out.add("still running");
            });
    assertThat(seen).containsExactly(Codes.RC_REQUEST_ERROR, "still running");
  }
}
