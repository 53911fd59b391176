package jackal.kernel.sched;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The machine stack pointer of the calling thread, and the lowest address Java code on that thread
 * may reach, for the bound on the in-place run of a same-CPU call ("The same-CPU call runs its
 * server in place" in docs/DESIGN-NOTES.md).
 *
 * <p>The pointer is read by a four-byte machine-code stub ({@code mov rax, rsp; ret}) placed in a
 * page of its own that is made executable and then never written again, called through the FFM API
 * as a critical downcall (no thread-state transition): a few nanoseconds. The stub needs no C
 * compiler: its bytes are here. It exists only on Linux on x86-64 and only when the kernel's module
 * has native access ({@code --enable-native-access}); anywhere else {@link #AVAILABLE} is false and
 * the in-place run is simply never taken.
 *
 * <p>The thread's stack bounds come from {@code pthread_getattr_np}; the lowest address Java code
 * may reach is above HotSpot's guard zones and its shadow zone (a compiled frame bangs that far
 * below itself), whose page counts are read from the VM's own options.
 */
public final class StackPointer {
  private StackPointer() {}

  /** x86-64: {@code mov rax, rsp} ({@code 48 89 e0}), {@code ret} ({@code c3}). */
  private static final byte[] X86_64 = {0x48, (byte) 0x89, (byte) 0xe0, (byte) 0xc3};

  private static final int PAGE = 4096;
  private static final int PROT_READ = 1;
  private static final int PROT_WRITE = 2;
  private static final int PROT_EXEC = 4;
  private static final int MAP_PRIVATE = 2;
  private static final int MAP_ANONYMOUS = 0x20;

  /** glibc's {@code pthread_attr_t} is 56 bytes on x86-64: room to spare. */
  private static final int ATTR_BYTES = 128;

  /** Why the stack pointer cannot be read here, or null when {@link #AVAILABLE}. */
  public static final String UNAVAILABLE;

  /** True when {@link #get()} reads the stack pointer. */
  public static final boolean AVAILABLE;

  private static final MethodHandle READ;
  private static final MethodHandle PTHREAD_SELF;
  private static final MethodHandle GETATTR;
  private static final MethodHandle GETSTACK;
  private static final MethodHandle DESTROY;

  /** HotSpot's red, yellow, reserved and shadow zones, in bytes. */
  private static final long ZONES;

  static {
    String why = null;
    MethodHandle read = null;
    MethodHandle self = null;
    MethodHandle getattr = null;
    MethodHandle getstack = null;
    MethodHandle destroy = null;
    long zones = 0;
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux")) {
      why = "not Linux (" + os + ")";
    } else if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      why = "no stub for " + arch;
    } else if (!StackPointer.class.getModule().isNativeAccessEnabled()) {
      why = "the kernel has no native access (--enable-native-access)";
    } else {
      try {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MethodHandle mmap =
            linker.downcallHandle(
                libc.find("mmap").orElseThrow(),
                FunctionDescriptor.of(
                    ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG));
        MethodHandle mprotect =
            linker.downcallHandle(
                libc.find("mprotect").orElseThrow(),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
        MemorySegment page =
            (MemorySegment)
                mmap.invokeExact(
                    MemorySegment.NULL,
                    (long) PAGE,
                    PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS,
                    -1,
                    0L);
        if (page.address() == -1L || page.address() == 0L) {
          throw new IllegalStateException("mmap failed");
        }
        page = page.reinterpret(PAGE);
        MemorySegment.copy(X86_64, 0, page, ValueLayout.JAVA_BYTE, 0, X86_64.length);
        int rc = (int) mprotect.invokeExact(page, (long) PAGE, PROT_READ | PROT_EXEC);
        if (rc != 0) {
          throw new IllegalStateException("mprotect failed");
        }
        read =
            linker.downcallHandle(
                page, FunctionDescriptor.of(ValueLayout.JAVA_LONG), Linker.Option.critical(false));
        self =
            linker.downcallHandle(
                libc.find("pthread_self").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG));
        getattr =
            linker.downcallHandle(
                libc.find("pthread_getattr_np").orElseThrow(),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        getstack =
            linker.downcallHandle(
                libc.find("pthread_attr_getstack").orElseThrow(),
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS));
        destroy =
            linker.downcallHandle(
                libc.find("pthread_attr_destroy").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        HotSpotDiagnosticMXBean vm =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long pages = 0;
        for (String zone :
            new String[] {
              "StackRedPages", "StackYellowPages", "StackReservedPages", "StackShadowPages"
            }) {
          pages += Long.parseLong(vm.getVMOption(zone).getValue());
        }
        zones = pages * PAGE;
        long sp = (long) read.invokeExact();
        long[] bounds = bounds(self, getattr, getstack, destroy);
        if (sp <= bounds[0] || sp > bounds[1]) {
          throw new IllegalStateException("the stub's value is outside this thread's stack");
        }
      } catch (Throwable t) {
        why = "the stub could not be made: " + t;
        read = null;
      }
    }
    UNAVAILABLE = why;
    AVAILABLE = why == null;
    READ = read;
    PTHREAD_SELF = self;
    GETATTR = getattr;
    GETSTACK = getstack;
    DESTROY = destroy;
    ZONES = zones;
  }

  /**
   * The calling thread's stack pointer (that of the stub's frame, a return address below the
   * caller's), or 0 when not {@link #AVAILABLE}.
   */
  public static long get() {
    if (!AVAILABLE) {
      return 0;
    }
    try {
      return (long) READ.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("reading the stack pointer", t);
    }
  }

  /**
   * The lowest stack pointer at which Java code on the calling thread still runs without a
   * StackOverflowError: the low end of the thread's stack plus HotSpot's zones. 0 when not {@link
   * #AVAILABLE} or when the bounds cannot be read.
   */
  public static long javaLimit() {
    if (!AVAILABLE) {
      return 0;
    }
    try {
      return bounds(PTHREAD_SELF, GETATTR, GETSTACK, DESTROY)[0] + ZONES;
    } catch (Throwable t) {
      return 0;
    }
  }

  /** The calling thread's stack: {low, high}. */
  private static long[] bounds(
      MethodHandle self, MethodHandle getattr, MethodHandle getstack, MethodHandle destroy)
      throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_BYTES, 16);
      MemorySegment addr = arena.allocate(ValueLayout.JAVA_LONG);
      MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
      long thread = (long) self.invokeExact();
      if ((int) getattr.invokeExact(thread, attr) != 0) {
        throw new IllegalStateException("pthread_getattr_np failed");
      }
      try {
        if ((int) getstack.invokeExact(attr, addr, size) != 0) {
          throw new IllegalStateException("pthread_attr_getstack failed");
        }
      } finally {
        int ignored = (int) destroy.invokeExact(attr);
      }
      long low = addr.get(ValueLayout.JAVA_LONG, 0);
      return new long[] {low, low + size.get(ValueLayout.JAVA_LONG, 0)};
    }
  }
}
