package jackal.image.file;

import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectState;
import jackal.kernel.boot.ObjectState.CapPageState;
import jackal.kernel.boot.ObjectState.EndpointState;
import jackal.kernel.boot.ObjectState.GptState;
import jackal.kernel.boot.ObjectState.PageState;
import jackal.kernel.boot.ObjectState.ProcessState;
import java.util.List;

/**
 * The text {@code jackal image show} prints: a summary, then every process (name, state, program
 * counter and every capability that is not Null), every endpoint, GPT and capability page with its
 * non-Null slots, and the pages that hold anything; the run list last.
 */
public final class ImageListing {
  private ImageListing() {}

  private static final List<String> SPECIAL =
      List.of("schedule", "addrSpace", "brand", "cohort", "ioSpace", "handler");

  public static String render(KernelImage image) {
    StringBuilder b = new StringBuilder();
    int[] counts = new int[ImageFile.TYPES];
    for (ObjectState s : image.objects()) {
      counts[s.obType()]++;
    }
    b.append(
        String.format(
            "image: %d objects (%d pages, %d capability pages, %d GPTs, %d processes, %d"
                + " endpoints), OID layout %s, %d to start%n",
            image.objects().size(),
            counts[0],
            counts[1],
            counts[2],
            counts[3],
            counts[4],
            image.oidLayout(),
            image.runList().size()));
    for (ObjectState s : image.objects()) {
      if (s instanceof ProcessState p) {
        process(b, image, p);
      }
    }
    for (ObjectState s : image.objects()) {
      switch (s) {
        case EndpointState e ->
            b.append(
                String.format(
                    "Endpoint#%d: recipient %s, endpoint ID %d%s%n",
                    e.oid(),
                    image.describe(e.caps()[0]),
                    e.endpointID(),
                    e.pm()
                        ? ", payload match at " + Integer.toUnsignedString(e.protPayload())
                        : ""));
        case GptState g -> {
          b.append(
              String.format(
                  "GPT#%d: l2v %d%s%s%n",
                  g.oid(), g.l2v(), g.ha() ? ", ha" : "", g.bg() ? ", bg" : ""));
          slots(b, image, g.caps(), "  [%d] %s%n");
        }
        case CapPageState c -> {
          b.append(String.format("CapPage#%d%n", c.oid()));
          slots(b, image, c.caps(), "  [%d] %s%n");
        }
        case PageState p -> {
          int used = 0;
          for (byte x : p.bytes()) {
            if (x != 0) {
              used++;
            }
          }
          if (used > 0) {
            b.append(String.format("Page#%d: %d non-zero bytes%n", p.oid(), used));
          }
        }
        case ProcessState p -> {}
      }
    }
    b.append("run list:");
    for (long oid : image.runList()) {
      b.append(" Process#").append(oid);
    }
    return b.append(System.lineSeparator()).toString();
  }

  private static void process(StringBuilder b, KernelImage image, ProcessState p) {
    b.append(
        String.format(
            "Process#%d \"%s\": run state %d, fault %d (info 0x%x), pc 0x%x%n",
            p.oid(), p.name(), p.runState(), p.faultCode(), p.faultInfo(), p.pc()));
    byte[][] caps = p.caps();
    for (int i = 0; i < ProcessState.FIRST_CAP_REG; i++) {
      String d = image.describe(caps[i]);
      if (!d.equals("Null")) {
        b.append(String.format("  %s: %s%n", SPECIAL.get(i), d));
      }
    }
    for (int r = 0; r < 32; r++) {
      String d = image.describe(caps[ProcessState.FIRST_CAP_REG + r]);
      if (!d.equals("Null")) {
        b.append(String.format("  capReg[%d]: %s%n", r, d));
      }
    }
  }

  private static void slots(StringBuilder b, KernelImage image, byte[][] caps, String format) {
    for (int i = 0; i < caps.length; i++) {
      String d = image.describe(caps[i]);
      if (!d.equals("Null")) {
        b.append(String.format(format, i, d));
      }
    }
  }
}
