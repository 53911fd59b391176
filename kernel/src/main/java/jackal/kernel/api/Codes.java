package jackal.kernel.api;

/**
 * Method, exception and interface-type codes of the kernel's interfaces, each the CapIDL coded
 * name of its qualified name (see {@link CodedName}). A method keeps the code of the interface
 * that declares it, so {@code getType} is {@link #OC_CAP_GET_TYPE} on every capability.
 */
public final class Codes {
  private Codes() {}

  private static int oc(String name) {
    return CodedName.methodCode(name);
  }

  private static long rc(String name) {
    return CodedName.of(name);
  }

  // coyotos.Cap
  public static final int OC_CAP_DESTROY = oc("coyotos.Cap.destroy");
  public static final int OC_CAP_GET_TYPE = oc("coyotos.Cap.getType");
  public static final long RC_OK = rc("coyotos.Cap.OK");
  public static final long RC_INVALID_CAP = rc("coyotos.Cap.InvalidCap");
  public static final long RC_UNKNOWN_REQUEST = rc("coyotos.Cap.UnknownRequest");
  public static final long RC_REQUEST_ERROR = rc("coyotos.Cap.RequestError");
  public static final long RC_NO_ACCESS = rc("coyotos.Cap.NoAccess");

  // interface types
  public static final long IKT_NULL = rc("coyotos.Null");
  public static final long IKT_ENDPOINT = rc("coyotos.Endpoint");
  public static final long IKT_PROCESS = rc("coyotos.Process");
  public static final long IKT_DISCRIM = rc("coyotos.Discrim");
  public static final long IKT_CAP_BITS = rc("coyotos.CapBits");
  public static final long IKT_KERN_LOG = rc("coyotos.KernLog");
  public static final long IKT_RANGE = rc("coyotos.Range");
  public static final long IKT_PAGE = rc("coyotos.Page");
  public static final long IKT_CAP_PAGE = rc("coyotos.CapPage");
  public static final long IKT_GPT = rc("coyotos.GPT");
  public static final long IKT_APP_NOTICE = rc("coyotos.AppNotice");
  public static final long IKT_SLEEP = rc("coyotos.Sleep");
  public static final long IKT_SYS_CTL = rc("coyotos.SysCtl");

  // coyotos.Endpoint
  public static final int OC_ENDPOINT_SET_RECIPIENT = oc("coyotos.Endpoint.setRecipient");
  public static final int OC_ENDPOINT_SET_PAYLOAD_MATCH = oc("coyotos.Endpoint.setPayloadMatch");
  public static final int OC_ENDPOINT_SET_ENDPOINT_ID = oc("coyotos.Endpoint.setEndpointID");
  public static final int OC_ENDPOINT_GET_ENDPOINT_ID = oc("coyotos.Endpoint.getEndpointID");
  public static final int OC_ENDPOINT_MAKE_ENTRY_CAP = oc("coyotos.Endpoint.makeEntryCap");
  public static final int OC_ENDPOINT_MAKE_APP_NOTIFIER = oc("coyotos.Endpoint.makeAppNotifier");

  // coyotos.Process
  public static final int OC_PROCESS_RESUME = oc("coyotos.Process.resume");
  public static final int OC_PROCESS_SET_SPACE_AND_PC = oc("coyotos.Process.setSpaceAndPC");
  public static final int OC_PROCESS_GET_STATE = oc("coyotos.Process.getState");
  public static final int OC_PROCESS_SET_STATE = oc("coyotos.Process.setState");
  public static final int OC_PROCESS_GET_SLOT = oc("coyotos.Process.getSlot");
  public static final int OC_PROCESS_SET_SLOT = oc("coyotos.Process.setSlot");
  public static final int OC_PROCESS_GET_CAP_REG = oc("coyotos.Process.getCapReg");
  public static final int OC_PROCESS_SET_CAP_REG = oc("coyotos.Process.setCapReg");
  public static final int OC_PROCESS_IDENTIFY_ENTRY_WITH_BRAND =
      oc("coyotos.Process.identifyEntryWithBrand");
  public static final int OC_PROCESS_IDENTIFY_ENTRY = oc("coyotos.Process.identifyEntry");
  public static final int OC_PROCESS_AMPLIFY_COHORT_ENTRY = oc("coyotos.Process.amplifyCohortEntry");

  // coyotos.Discrim
  public static final int OC_DISCRIM_CLASSIFY = oc("coyotos.Discrim.classify");
  public static final int OC_DISCRIM_IS_DISCREET = oc("coyotos.Discrim.isDiscreet");
  public static final int OC_DISCRIM_COMPARE = oc("coyotos.Discrim.compare");

  // coyotos.CapBits
  public static final int OC_CAP_BITS_GET = oc("coyotos.CapBits.get");

  // coyotos.KernLog
  public static final int OC_KERN_LOG_LOG = oc("coyotos.KernLog.log");

  // coyotos.Range
  public static final int OC_RANGE_IDENTIFY = oc("coyotos.Range.identify");
  public static final int OC_RANGE_RESCIND = oc("coyotos.Range.rescind");
  public static final int OC_RANGE_NEXT_BACKED_SUBRANGE = oc("coyotos.Range.nextBackedSubrange");
  public static final int OC_RANGE_GET_CAP = oc("coyotos.Range.getCap");
  public static final int OC_RANGE_WAIT_CAP = oc("coyotos.Range.waitCap");
  public static final int OC_RANGE_GET_PROCESS = oc("coyotos.Range.getProcess");
  public static final int OC_RANGE_WAIT_PROCESS = oc("coyotos.Range.waitProcess");
  public static final long RC_RANGE_RANGE_ERR = rc("coyotos.Range.RangeErr");
  public static final long RC_RANGE_NOT_MOUNTED = rc("coyotos.Range.NotMounted");
  public static final long RC_RANGE_IO_ERR = rc("coyotos.Range.IoErr");
  public static final long RC_RANGE_ALLOC_COUNT_ROLLOVER = rc("coyotos.Range.AllocCountRollover");

  // coyotos.AppNotice (the method code is also what a notice delivery carries in word 1)
  public static final int OC_APP_NOTICE_POST_NOTICE = oc("coyotos.AppNotice.postNotice");
  public static final int OC_APP_NOTICE_GET_NOTICES = oc("coyotos.AppNotice.getNotices");

  // coyotos.Sleep
  public static final int OC_SLEEP_SLEEP_TILL = oc("coyotos.Sleep.sleepTill");
  public static final int OC_SLEEP_SLEEP_FOR = oc("coyotos.Sleep.sleepFor");

  // coyotos.ProcessHandler and coyotos.MemoryHandler
  public static final int OC_PROCESS_HANDLER_HANDLE = oc("coyotos.ProcessHandler.handle");
  public static final int OC_MEMORY_HANDLER_HANDLE = oc("coyotos.MemoryHandler.handle");

  // coyotos.Memory
  public static final int OC_MEMORY_REDUCE = oc("coyotos.Memory.reduce");
  public static final int OC_MEMORY_SET_GUARD = oc("coyotos.Memory.setGuard");
  public static final int OC_MEMORY_GET_GUARD = oc("coyotos.Memory.getGuard");
  public static final int OC_MEMORY_GET_RESTRICTIONS = oc("coyotos.Memory.getRestrictions");

  // coyotos.AddressSpace
  public static final int OC_AS_GET_SLOT = oc("coyotos.AddressSpace.getSlot");
  public static final int OC_AS_SET_SLOT = oc("coyotos.AddressSpace.setSlot");
  public static final int OC_AS_GUARDED_SET_SLOT = oc("coyotos.AddressSpace.guardedSetSlot");
  public static final int OC_AS_FETCH = oc("coyotos.AddressSpace.fetch");
  public static final int OC_AS_STORE = oc("coyotos.AddressSpace.store");
  public static final int OC_AS_EXTENDED_FETCH = oc("coyotos.AddressSpace.extendedFetch");
  public static final int OC_AS_EXTENDED_STORE = oc("coyotos.AddressSpace.extendedStore");
  public static final int OC_AS_ERASE = oc("coyotos.AddressSpace.erase");
  public static final int OC_AS_COPY_FROM = oc("coyotos.AddressSpace.copyFrom");
  public static final long RC_AS_OPAQUE_SPACE = rc("coyotos.AddressSpace.OpaqueSpace");
  public static final long RC_AS_NO_SUCH_SLOT = rc("coyotos.AddressSpace.NoSuchSlot");
  public static final long RC_AS_CAP_ACCESS_TYPE_ERROR =
      rc("coyotos.AddressSpace.CapAccessTypeError");

  // coyotos.GPT
  public static final int OC_GPT_SET_L2V = oc("coyotos.GPT.setl2v");
  public static final int OC_GPT_GET_L2V = oc("coyotos.GPT.getl2v");
  public static final int OC_GPT_SET_HANDLER = oc("coyotos.GPT.setHandler");
  public static final int OC_GPT_GET_HANDLER = oc("coyotos.GPT.getHandler");
  public static final int OC_GPT_MAKE_LOCAL_WINDOW = oc("coyotos.GPT.makeLocalWindow");
  public static final int OC_GPT_MAKE_BACKGROUND_WINDOW = oc("coyotos.GPT.makeBackgroundWindow");

  // coyotos.Window and coyotos.LocalWindow
  public static final int OC_WINDOW_GET_OFFSET = oc("coyotos.Window.getOffset");
  public static final int OC_LOCAL_WINDOW_GET_ROOT_SLOT = oc("coyotos.LocalWindow.getRootSlot");
  public static final long IKT_WINDOW = rc("coyotos.Window");
  public static final long IKT_LOCAL_WINDOW = rc("coyotos.LocalWindow");

  /** Range object type numbers ({@code Range.obType}). */
  public static final int OT_PAGE = 0;
  public static final int OT_CAP_PAGE = 1;
  public static final int OT_GPT = 2;
  public static final int OT_PROCESS = 3;
  public static final int OT_ENDPOINT = 4;
  public static final int OT_NUM_TYPES = 5;
  public static final long OT_INVALID = 0xFFFFFFFFL;

  /** Discrim.capClass values. */
  public static final int CL_NULL = 0;
  public static final int CL_WINDOW = 1;
  public static final int CL_MEMORY = 2;
  public static final int CL_SCHED = 3;
  public static final int CL_ENDPOINT = 4;
  public static final int CL_ENTRY = 5;
  public static final int CL_PROCESS = 6;
  public static final int CL_APP_NOTICE = 7;
  public static final int CL_OTHER = 255;

  /** Process.cslot values for getSlot and setSlot. */
  public static final int SLOT_HANDLER = 0;
  public static final int SLOT_ADDR_SPACE = 1;
  public static final int SLOT_SCHEDULE = 2;
  public static final int SLOT_IO_SPACE = 3;
  public static final int SLOT_COHORT = 4;
}
