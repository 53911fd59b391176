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
  private final Phases phases;
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
      Phases phases) {
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
    this.phases = phases;
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

  /**
   * Where the cut's pause went, in nanoseconds: from asking the CPUs to stop until every one was
   * held, taking the program states, and taking the changed objects, after which they ran again.
   */
  public record Phases(long holdNanos, long programsNanos, long objectsNanos) {
    /** The whole pause. */
    public long pauseNanos() {
      return holdNanos + programsNanos + objectsNanos;
    }
  }

  /** How long the CPUs were held for the cut. */
  public long pauseNanos() {
    return phases.pauseNanos();
  }

  /** The cut's pause by phase. */
  public Phases phases() {
    return phases;
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
   * image (pages first, then the other types, each by OID). Takes the pages' bytes, copying each:
   * call once, and not with {@link #pageBytes}. A store streams them with {@link #pageBytes}
   * instead.
   */
  public synchronized KernelImage image() {
    order();
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
    return new KernelImage(oidLayout, nextFresh, out, runList);
  }

  /** The OID layout's setting name, as an image names it. */
  public String oidLayout() {
    return oidLayout;
  }

  /** Per object type, the next OID the image builder hands out. */
  public List<Long> nextFresh() {
    return nextFresh;
  }

  /** The processes queued to start from their entry, in order. */
  public List<Long> runList() {
    return runList;
  }

  /** The objects other than pages, copied at the cut: by type, then OID. */
  public synchronized List<ObjectState> others() {
    order();
    return java.util.Collections.unmodifiableList(small);
  }

  /** The OID of page {@code i} of the cut (pages by OID). */
  public synchronized long pageOid(int i) {
    order();
    return pages.get(i).oid;
  }

  /** The allocation count page {@code i} had at the cut. */
  public synchronized long pageAllocCount(int i) {
    order();
    return pageCounts[i];
  }

  /**
   * Gives {@code to} the bytes page {@code i} had at the cut, without copying them: the copy a
   * writer made after the cut, or the live bytes under the page's monitor (a writer waits for it).
   * {@code to} must read them at once and not keep them; each page is passed once, in order, before
   * the snapshot is finished, and not with {@link #image}.
   */
  public void pageBytes(int i, java.util.function.Consumer<byte[]> to) {
    Page p;
    synchronized (this) {
      order();
      if (finished || i != nextPassed) {
        throw new IllegalStateException(
            "a snapshot's pages are passed once each, in order, before it is finished");
      }
      pagesTaken = true;
      nextPassed++;
      p = pages.get(i);
    }
    p.passCut(to);
  }

  /** The next page {@link #pageBytes} passes. */
  private int nextPassed;

  private boolean ordered;

  /**
   * Puts the records in an image's order (pages by OID, the others by type then OID), after the
   * pause: the cut takes them in the object table's order.
   */
  private void order() {
    if (ordered) {
      return;
    }
    ordered = true;
    small.sort(
        java.util.Comparator.comparingInt(ObjectState::obType).thenComparingLong(ObjectState::oid));
    boolean sorted = true;
    for (int i = 1; i < pages.size() && sorted; i++) {
      sorted = pages.get(i - 1).oid < pages.get(i).oid;
    }
    if (!sorted) {
      Integer[] index = new Integer[pages.size()];
      for (int i = 0; i < index.length; i++) {
        index[i] = i;
      }
      java.util.Arrays.sort(index, java.util.Comparator.comparingLong(i -> pages.get(i).oid));
      List<Page> p = new ArrayList<>(index.length);
      long[] c = new long[index.length];
      for (int i = 0; i < index.length; i++) {
        p.add(pages.get(index[i]));
        c[i] = pageCounts[index[i]];
      }
      pages.clear();
      pages.addAll(p);
      System.arraycopy(c, 0, pageCounts, 0, c.length);
    }
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
      o.remarkDirty();
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
