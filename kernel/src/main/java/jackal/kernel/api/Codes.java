package jackal.kernel.api;

import jackal.kernel.idl.coyotos.AddressSpaceCodes;
import jackal.kernel.idl.coyotos.AppNoticeCodes;
import jackal.kernel.idl.coyotos.CapBitsCodes;
import jackal.kernel.idl.coyotos.CapCodes;
import jackal.kernel.idl.coyotos.CapPageCodes;
import jackal.kernel.idl.coyotos.CheckpointCodes;
import jackal.kernel.idl.coyotos.DiscrimCodes;
import jackal.kernel.idl.coyotos.EndpointCodes;
import jackal.kernel.idl.coyotos.GPTCodes;
import jackal.kernel.idl.coyotos.IOPrivCodes;
import jackal.kernel.idl.coyotos.IrqCtlCodes;
import jackal.kernel.idl.coyotos.IrqWaitCodes;
import jackal.kernel.idl.coyotos.KernLogCodes;
import jackal.kernel.idl.coyotos.LocalWindowCodes;
import jackal.kernel.idl.coyotos.MemoryCodes;
import jackal.kernel.idl.coyotos.MemoryHandlerCodes;
import jackal.kernel.idl.coyotos.NullCodes;
import jackal.kernel.idl.coyotos.ObStoreCodes;
import jackal.kernel.idl.coyotos.PageCodes;
import jackal.kernel.idl.coyotos.PinCtlCodes;
import jackal.kernel.idl.coyotos.ProcessCodes;
import jackal.kernel.idl.coyotos.ProcessHandlerCodes;
import jackal.kernel.idl.coyotos.RangeCodes;
import jackal.kernel.idl.coyotos.SchedCtlCodes;
import jackal.kernel.idl.coyotos.ScheduleCodes;
import jackal.kernel.idl.coyotos.SleepCodes;
import jackal.kernel.idl.coyotos.SysCtlCodes;
import jackal.kernel.idl.coyotos.WindowCodes;

/**
 * Method, exception and interface-type codes of the kernel's interfaces, under the names the kernel
 * uses. The values come from the CapIDL compiler: it generates {@code
 * jackal.kernel.idl.coyotos.*Codes} from the kernel's IDL files (idl/src/main/resources/capidl)
 * during the build; each is the coded name of its qualified name (see {@link CodedName}). A method
 * keeps the code of the interface that declares it, so {@code getType} is {@link #OC_CAP_GET_TYPE}
 * on every capability.
 */
public final class Codes {
  private Codes() {}

  // coyotos.Cap
  public static final int OC_CAP_DESTROY = CapCodes.OC_destroy;
  public static final int OC_CAP_GET_TYPE = CapCodes.OC_getType;
  public static final long RC_OK = CapCodes.RC_OK;
  public static final long RC_INVALID_CAP = CapCodes.RC_InvalidCap;
  public static final long RC_UNKNOWN_REQUEST = CapCodes.RC_UnknownRequest;
  public static final long RC_REQUEST_ERROR = CapCodes.RC_RequestError;
  public static final long RC_NO_ACCESS = CapCodes.RC_NoAccess;

  // interface types
  public static final long IKT_NULL = NullCodes.IKT;
  public static final long IKT_ENDPOINT = EndpointCodes.IKT;
  public static final long IKT_PROCESS = ProcessCodes.IKT;
  public static final long IKT_DISCRIM = DiscrimCodes.IKT;
  public static final long IKT_CAP_BITS = CapBitsCodes.IKT;
  public static final long IKT_KERN_LOG = KernLogCodes.IKT;
  public static final long IKT_RANGE = RangeCodes.IKT;
  public static final long IKT_PAGE = PageCodes.IKT;
  public static final long IKT_CAP_PAGE = CapPageCodes.IKT;
  public static final long IKT_GPT = GPTCodes.IKT;
  public static final long IKT_APP_NOTICE = AppNoticeCodes.IKT;
  public static final long IKT_SLEEP = SleepCodes.IKT;
  public static final long IKT_SYS_CTL = SysCtlCodes.IKT;
  public static final long IKT_CHECKPOINT = CheckpointCodes.IKT;
  public static final long IKT_IRQ_CTL = IrqCtlCodes.IKT;
  public static final long IKT_IRQ_WAIT = IrqWaitCodes.IKT;
  public static final long IKT_SCHEDULE = ScheduleCodes.IKT;
  public static final long IKT_SCHED_CTL = SchedCtlCodes.IKT;
  public static final long IKT_OB_STORE = ObStoreCodes.IKT;
  public static final long IKT_PIN_CTL = PinCtlCodes.IKT;
  public static final long IKT_IO_PRIV = IOPrivCodes.IKT;

  // coyotos.Endpoint
  public static final int OC_ENDPOINT_SET_RECIPIENT = EndpointCodes.OC_setRecipient;
  public static final int OC_ENDPOINT_SET_PAYLOAD_MATCH = EndpointCodes.OC_setPayloadMatch;
  public static final int OC_ENDPOINT_SET_ENDPOINT_ID = EndpointCodes.OC_setEndpointID;
  public static final int OC_ENDPOINT_GET_ENDPOINT_ID = EndpointCodes.OC_getEndpointID;
  public static final int OC_ENDPOINT_MAKE_ENTRY_CAP = EndpointCodes.OC_makeEntryCap;
  public static final int OC_ENDPOINT_MAKE_APP_NOTIFIER = EndpointCodes.OC_makeAppNotifier;

  // coyotos.Process
  public static final int OC_PROCESS_RESUME = ProcessCodes.OC_resume;
  public static final int OC_PROCESS_SET_SPACE_AND_PC = ProcessCodes.OC_setSpaceAndPC;
  public static final int OC_PROCESS_GET_STATE = ProcessCodes.OC_getState;
  public static final int OC_PROCESS_SET_STATE = ProcessCodes.OC_setState;
  public static final int OC_PROCESS_GET_SLOT = ProcessCodes.OC_getSlot;
  public static final int OC_PROCESS_SET_SLOT = ProcessCodes.OC_setSlot;
  public static final int OC_PROCESS_GET_CAP_REG = ProcessCodes.OC_getCapReg;
  public static final int OC_PROCESS_SET_CAP_REG = ProcessCodes.OC_setCapReg;
  public static final int OC_PROCESS_IDENTIFY_ENTRY_WITH_BRAND =
      ProcessCodes.OC_identifyEntryWithBrand;
  public static final int OC_PROCESS_IDENTIFY_ENTRY = ProcessCodes.OC_identifyEntry;
  public static final int OC_PROCESS_AMPLIFY_COHORT_ENTRY = ProcessCodes.OC_amplifyCohortEntry;

  // coyotos.Discrim
  public static final int OC_DISCRIM_CLASSIFY = DiscrimCodes.OC_classify;
  public static final int OC_DISCRIM_IS_DISCREET = DiscrimCodes.OC_isDiscreet;
  public static final int OC_DISCRIM_COMPARE = DiscrimCodes.OC_compare;

  // coyotos.CapBits
  public static final int OC_CAP_BITS_GET = CapBitsCodes.OC_get;

  // coyotos.KernLog
  public static final int OC_KERN_LOG_LOG = KernLogCodes.OC_log;

  // coyotos.Range
  public static final int OC_RANGE_IDENTIFY = RangeCodes.OC_identify;
  public static final int OC_RANGE_RESCIND = RangeCodes.OC_rescind;
  public static final int OC_RANGE_NEXT_BACKED_SUBRANGE = RangeCodes.OC_nextBackedSubrange;
  public static final int OC_RANGE_GET_CAP = RangeCodes.OC_getCap;
  public static final int OC_RANGE_WAIT_CAP = RangeCodes.OC_waitCap;
  public static final int OC_RANGE_GET_PROCESS = RangeCodes.OC_getProcess;
  public static final int OC_RANGE_WAIT_PROCESS = RangeCodes.OC_waitProcess;
  public static final long RC_RANGE_RANGE_ERR = RangeCodes.RC_RangeErr;
  public static final long RC_RANGE_NOT_MOUNTED = RangeCodes.RC_NotMounted;
  public static final long RC_RANGE_IO_ERR = RangeCodes.RC_IoErr;
  public static final long RC_RANGE_ALLOC_COUNT_ROLLOVER = RangeCodes.RC_AllocCountRollover;

  // coyotos.AppNotice (the method code is also what a notice delivery carries in word 1)
  public static final int OC_APP_NOTICE_POST_NOTICE = AppNoticeCodes.OC_postNotice;
  public static final int OC_APP_NOTICE_GET_NOTICES = AppNoticeCodes.OC_getNotices;

  // coyotos.Sleep
  public static final int OC_SLEEP_SLEEP_TILL = SleepCodes.OC_sleepTill;
  public static final int OC_SLEEP_SLEEP_FOR = SleepCodes.OC_sleepFor;

  // coyotos.SysCtl
  public static final int OC_SYS_CTL_HALT = SysCtlCodes.OC_halt;
  public static final int OC_SYS_CTL_POWERDOWN = SysCtlCodes.OC_powerdown;
  public static final int OC_SYS_CTL_REBOOT = SysCtlCodes.OC_reboot;

  // coyotos.Checkpoint
  public static final int OC_CHECKPOINT_SNAPSHOT = CheckpointCodes.OC_snapshot;
  public static final int OC_CHECKPOINT_PROCESS_CHECKPOINT = CheckpointCodes.OC_processCheckpoint;
  public static final long RC_CHECKPOINT_CKPT_INCOMPLETE = CheckpointCodes.RC_CkptIncomplete;

  // coyotos.IrqCtl
  public static final int OC_IRQ_CTL_GET_IRQ_WAIT = IrqCtlCodes.OC_getIrqWait;
  public static final int OC_IRQ_CTL_BIND_IRQ = IrqCtlCodes.OC_bindIrq;
  public static final int OC_IRQ_CTL_DISABLE = IrqCtlCodes.OC_disable;
  public static final int OC_IRQ_CTL_ENABLE = IrqCtlCodes.OC_enable;
  public static final int OC_IRQ_CTL_WAIT = IrqCtlCodes.OC_wait;

  // coyotos.ProcessHandler and coyotos.MemoryHandler
  public static final int OC_PROCESS_HANDLER_HANDLE = ProcessHandlerCodes.OC_handle;
  public static final int OC_MEMORY_HANDLER_HANDLE = MemoryHandlerCodes.OC_handle;

  // coyotos.Memory
  public static final int OC_MEMORY_REDUCE = MemoryCodes.OC_reduce;
  public static final int OC_MEMORY_SET_GUARD = MemoryCodes.OC_setGuard;
  public static final int OC_MEMORY_GET_GUARD = MemoryCodes.OC_getGuard;
  public static final int OC_MEMORY_GET_RESTRICTIONS = MemoryCodes.OC_getRestrictions;

  // coyotos.AddressSpace
  public static final int OC_AS_GET_SLOT = AddressSpaceCodes.OC_getSlot;
  public static final int OC_AS_SET_SLOT = AddressSpaceCodes.OC_setSlot;
  public static final int OC_AS_GUARDED_SET_SLOT = AddressSpaceCodes.OC_guardedSetSlot;
  public static final int OC_AS_FETCH = AddressSpaceCodes.OC_fetch;
  public static final int OC_AS_STORE = AddressSpaceCodes.OC_store;
  public static final int OC_AS_EXTENDED_FETCH = AddressSpaceCodes.OC_extendedFetch;
  public static final int OC_AS_EXTENDED_STORE = AddressSpaceCodes.OC_extendedStore;
  public static final int OC_AS_ERASE = AddressSpaceCodes.OC_erase;
  public static final int OC_AS_COPY_FROM = AddressSpaceCodes.OC_copyFrom;
  public static final long RC_AS_OPAQUE_SPACE = AddressSpaceCodes.RC_OpaqueSpace;
  public static final long RC_AS_NO_SUCH_SLOT = AddressSpaceCodes.RC_NoSuchSlot;
  public static final long RC_AS_CAP_ACCESS_TYPE_ERROR = AddressSpaceCodes.RC_CapAccessTypeError;

  // coyotos.GPT
  public static final int OC_GPT_SET_L2V = GPTCodes.OC_setl2v;
  public static final int OC_GPT_GET_L2V = GPTCodes.OC_getl2v;
  public static final int OC_GPT_SET_HANDLER = GPTCodes.OC_setHandler;
  public static final int OC_GPT_GET_HANDLER = GPTCodes.OC_getHandler;
  public static final int OC_GPT_MAKE_LOCAL_WINDOW = GPTCodes.OC_makeLocalWindow;
  public static final int OC_GPT_MAKE_BACKGROUND_WINDOW = GPTCodes.OC_makeBackgroundWindow;

  // coyotos.Window and coyotos.LocalWindow
  public static final int OC_WINDOW_GET_OFFSET = WindowCodes.OC_getOffset;
  public static final int OC_LOCAL_WINDOW_GET_ROOT_SLOT = LocalWindowCodes.OC_getRootSlot;
  public static final long IKT_WINDOW = WindowCodes.IKT;
  public static final long IKT_LOCAL_WINDOW = LocalWindowCodes.IKT;

  /** Range object type numbers ({@code Range.obType}). */
  public static final int OT_PAGE = RangeCodes.obType.otPage;

  public static final int OT_CAP_PAGE = RangeCodes.obType.otCapPage;
  public static final int OT_GPT = RangeCodes.obType.otGPT;
  public static final int OT_PROCESS = RangeCodes.obType.otProcess;
  public static final int OT_ENDPOINT = RangeCodes.obType.otEndpoint;
  public static final int OT_NUM_TYPES = RangeCodes.obType.otNUM_TYPES;
  public static final long OT_INVALID = RangeCodes.obType.otInvalid & 0xFFFF_FFFFL;

  /** Discrim.capClass values. */
  public static final int CL_NULL = DiscrimCodes.capClass.clNull;

  public static final int CL_WINDOW = DiscrimCodes.capClass.clWindow;
  public static final int CL_MEMORY = DiscrimCodes.capClass.clMemory;
  public static final int CL_SCHED = DiscrimCodes.capClass.clSched;
  public static final int CL_ENDPOINT = DiscrimCodes.capClass.clEndpoint;
  public static final int CL_ENTRY = DiscrimCodes.capClass.clEntry;
  public static final int CL_PROCESS = DiscrimCodes.capClass.clProcess;
  public static final int CL_APP_NOTICE = DiscrimCodes.capClass.clAppNotice;
  public static final int CL_OTHER = DiscrimCodes.capClass.clOther;

  /** Process.cslot values for getSlot and setSlot. */
  public static final int SLOT_HANDLER = ProcessCodes.cslot.handler;

  public static final int SLOT_ADDR_SPACE = ProcessCodes.cslot.addrSpace;
  public static final int SLOT_SCHEDULE = ProcessCodes.cslot.schedule;
  public static final int SLOT_IO_SPACE = ProcessCodes.cslot.ioSpace;
  public static final int SLOT_COHORT = ProcessCodes.cslot.cohort;
}
