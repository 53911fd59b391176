package jackal.kernel.boot;

/** How SysCtl stopped the system. */
public enum Halt {
  /** SysCtl.halt. */
  HALT,
  /** SysCtl.powerdown: a halt that asked to switch the machine off. */
  POWERDOWN,
  /** SysCtl.reboot: the system stopped and asked to be started again. */
  REBOOT
}
