package jackal.kernel.boot;

import jackal.kernel.api.CapType;

/** The kernel's own services that an image may hand to a process. */
public enum KernelService {
  DISCRIM(CapType.DISCRIM),
  CAP_BITS(CapType.CAP_BITS),
  KERN_LOG(CapType.KERN_LOG),
  RANGE(CapType.RANGE),
  SLEEP(CapType.SLEEP);

  final int capType;

  KernelService(int capType) {
    this.capType = capType;
  }
}
