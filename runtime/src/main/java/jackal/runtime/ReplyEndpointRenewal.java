package jackal.runtime;

/**
 * Replaces a process's reply endpoint before its protected payload wraps.
 *
 * <p>A payload-match reply endpoint makes each reply capability good for one reply: every delivery
 * through it adds one to its 32-bit payload. After 2^32 calls the payload would come back to a
 * value an old reply capability carries, and that capability would work again. So the runtime
 * watches the payload each reply arrives with and, a margin before the wrap, installs a fresh
 * endpoint in REPLYEPT and rescinds the old one, which also kills any copy of an old reply
 * capability that a server kept.
 */
public interface ReplyEndpointRenewal {
  /**
   * Installs a new reply endpoint in {@link CapReg#REPLYEPT} and retires the old one. Called by
   * {@link Ipc} between calls, with a parameter block of its own.
   */
  void renew(Ipc scratch) throws KernelException;
}
