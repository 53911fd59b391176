package example.kv;

import static java.nio.charset.StandardCharsets.UTF_8;

import example.idl.example.KeyValueClient;
import example.idl.example.KeyValueNotFoundException;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.CapNoAccessException;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * A client of the key-value server: it stores a value, reads it back, asks for the read-only
 * facet, reads through it and tries to write through it, and logs each outcome. Its image gives
 * it KernLog in {@link #LOG} and the writable facet in {@link #STORE}.
 */
public final class KvClient implements ProgramEntry {
  /** The register the image puts the KernLog capability in. */
  public static final int LOG = CapReg.APP0;

  /** The register the image puts the store's writable facet in. */
  public static final int STORE = CapReg.APP0 + 1;

  /** Where the client receives the read-only facet. */
  static final int READER = CapReg.APP0 + 2;

  static final long GREETING = 1;

  /** The loader makes one for the process. */
  public KvClient() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    KernLogClient log = new KernLogClient(new Ipc(sys)).stringArea(0, 512);
    KeyValueClient kv = new KeyValueClient(new Ipc(sys)).stringArea(512, 512);
    long store = CapReg.loc(STORE);
    long reader = CapReg.loc(READER);

    kv.put(store, GREETING, "hello from the store");
    say(log, "kv: get 1 = " + kv.get(store, GREETING));

    kv.readOnly(store, reader);
    say(log, "kv: read-only get 1 = " + kv.get(reader, GREETING));
    try {
      kv.put(reader, GREETING, "overwritten");
      say(log, "kv: read-only put ACCEPTED");
    } catch (CapNoAccessException e) {
      say(log, "kv: read-only put refused (NoAccess)");
    }
    try {
      kv.get(store, 2);
      say(log, "kv: get 2 found a value");
    } catch (KeyValueNotFoundException e) {
      say(log, "kv: get 2 = NotFound");
    }
    say(log, "kv: size = " + kv.size(reader) + ", get 1 = " + kv.get(store, GREETING));
  }

  private static void say(KernLogClient log, String line) throws KernelException {
    log.log(CapReg.loc(LOG), line.getBytes(UTF_8));
  }
}
