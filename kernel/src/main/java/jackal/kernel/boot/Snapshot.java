package jackal.kernel.boot;

import jackal.kernel.obj.KObject;
import jackal.kernel.obj.Page;
import java.util.ArrayList;
import java.util.List;

/**
 * One consistent cut of a running (or unbooted) kernel (see {@link Kernel#cut}): the objects
 * changed since the cut before it, the OID counters, the processes to start from their entry, the
 * program state of every process, and the kernel's clock. Small objects were copied at the cut;
 * pages are taken copy-on-write, so {@link #image} returns their bytes as they were at the cut even
 * while the system writes them. Exactly one of {@link #committed} or {@link #abandoned} must be
 * called once the store is done with it.
 */
public final class Snapshot {
  private final long number;
  private final boolean full;
  private final String oidLayout;
  private final List<Long> nextFresh;
  private final List<ObjectState> small;
  private final List<Page> pages;
  private final long[] pageCounts;
  private final List<KObject> taken;
  private final List<Long> runList;
  private final List<ProgramState> programs;
  private final long clock;
  private final long pauseNanos;
  private boolean finished;
  private boolean pagesTaken;

  Snapshot(
      long number,
      boolean full,
      String oidLayout,
      List<Long> nextFresh,
      List<ObjectState> small,
      List<Page> pages,
      long[] pageCounts,
      List<KObject> taken,
      List<Long> runList,
      List<ProgramState> programs,
      long clock,
      long pauseNanos) {
    this.number = number;
    this.full = full;
    this.oidLayout = oidLayout;
    this.nextFresh = List.copyOf(nextFresh);
    this.small = small;
    this.pages = pages;
    this.pageCounts = pageCounts;
    this.taken = taken;
    this.runList = List.copyOf(runList);
    this.programs = List.copyOf(programs);
    this.clock = clock;
    this.pauseNanos = pauseNanos;
  }

  /** This kernel's count of cuts taken: 1 for the first. */
  public long number() {
    return number;
  }

  /** True if every object is in it (the first cut of a kernel), not only the changed ones. */
  public boolean full() {
    return full;
  }

  /** The kernel's clock at the cut, in nanoseconds since its restart epoch. */
  public long clock() {
    return clock;
  }

  /** How long the CPUs were held for the cut. */
  public long pauseNanos() {
    return pauseNanos;
  }

  /** Objects in it: pages and the others. */
  public int objectCount() {
    return small.size() + pages.size();
  }

  public int pageCount() {
    return pages.size();
  }

  /** Every process's program state (whether it returned; its captured frames, if it runs). */
  public List<ProgramState> programs() {
    return programs;
  }

  /**
   * The objects of the cut with the OID counters and the processes to start from their entry, as an
   * image (pages first, then the other types, each by OID). Takes the pages' bytes: call once.
   */
  public synchronized KernelImage image() {
    if (pagesTaken || finished) {
      throw new IllegalStateException("a snapshot's pages are taken once, before it is finished");
    }
    pagesTaken = true;
    List<ObjectState> out = new ArrayList<>(pages.size() + small.size());
    for (int i = 0; i < pages.size(); i++) {
      Page p = pages.get(i);
      out.add(new ObjectState.PageState(p.oid, pageCounts[i], p.takeCut()));
    }
    out.addAll(small);
    // The cut took them in the object table's order; an image lists them by type, then OID.
    out.sort(
        java.util.Comparator.comparingInt(ObjectState::obType).thenComparingLong(ObjectState::oid));
    return new KernelImage(oidLayout, nextFresh, out, runList);
  }

  /** The store committed it: nothing more to do. */
  public synchronized void committed() {
    finish();
  }

  /**
   * The store could not commit it: every object it held is marked changed again, so the next cut
   * writes it.
   */
  public synchronized void abandoned() {
    for (KObject o : taken) {
      o.dirty = true;
    }
    finish();
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    for (Page p : pages) {
      p.dropCut();
    }
  }

  boolean finished() {
    return finished;
  }
}
