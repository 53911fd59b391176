package jackal.inspect;

import jackal.kernel.api.CapLoc;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.SleepClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Known images for the inspector's tests, built with trusted test programs. */
final class Images {
  private Images() {}

  static final long SERVICE_ID = 42;

  /**
   * Booted and running: a client ({@code pinger}) that calls a server ({@code ponger}) every few
   * milliseconds for ever, and a {@code stuck} process that calls {@code deaf}, which never
   * receives. Returns the running kernel's handle.
   */
  static Kernel pingPong() {
    PrintStream console =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Kernel k = Kernel.create(KernelConfig.defaults().withCpus(1).withConsole(console));
    ObjectRef server =
        k.newProcess(
            "ponger",
            sys -> {
              Ipc ipc = new Ipc(sys);
              ipc.receive();
              for (; ; ) {
                ipc.replyAndReceive(0, -1);
              }
            });
    ObjectRef client =
        k.newProcess(
            "pinger",
            sys -> {
              Ipc ipc = new Ipc(sys);
              SleepClient sleep = new SleepClient(new Ipc(sys));
              for (; ; ) {
                ipc.w[1] = 1;
                ipc.call(CapLoc.reg(CapReg.APP0), 1, 0, -1);
                try {
                  sleep.sleepFor(CapLoc.reg(CapReg.APP0 + 1), 0, 5_000);
                } catch (KernelException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    ObjectRef deaf = k.newProcess("deaf", sys -> {});
    ObjectRef stuck =
        k.newProcess(
            "stuck",
            sys -> {
              Ipc ipc = new Ipc(sys);
              ipc.call(CapLoc.reg(CapReg.APP0), 1, 0, -1);
            });
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, server);
    k.setEndpointId(ep, SERVICE_ID);
    ObjectRef deafEp = k.newEndpoint();
    k.setRecipient(deafEp, deaf);
    for (ObjectRef p : new ObjectRef[] {server, client, deaf, stuck}) {
      ObjectRef reply = k.newEndpoint();
      k.setRecipient(reply, p);
      k.setPayloadMatch(reply);
      k.setCapReg(p, CapReg.REPLYEPT, k.cap(reply));
      k.setAddressSpace(p, k.cap(k.newPage()));
    }
    k.setCapReg(client, CapReg.APP0, k.entry(ep, 3));
    k.setCapReg(client, CapReg.APP0 + 1, k.kernelCap(KernelService.SLEEP));
    k.setCapReg(stuck, CapReg.APP0, k.entry(deafEp, 4));
    for (ObjectRef p : new ObjectRef[] {server, client, deaf, stuck}) {
      k.start(p);
    }
    return k.boot();
  }
}
