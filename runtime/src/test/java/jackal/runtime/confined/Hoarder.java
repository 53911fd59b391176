package jackal.runtime.confined;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import java.util.ArrayList;
import java.util.List;

/** Keeps every 64 KiB array it allocates, each well under the cap, until something stops it. */
public final class Hoarder implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    List<byte[]> kept = new ArrayList<>();
    for (; ; ) {
      kept.add(new byte[1 << 16]);
    }
  }
}
