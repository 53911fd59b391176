package jackal.services.stream;

import jackal.kernel.api.Codes;
import jackal.runtime.CapReg;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.IoStreamClosedException;
import jackal.services.idl.coyotos.IoStreamCodes;
import jackal.services.idl.coyotos.IoStreamServer;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * The Null and Zero streams (Coyotos's {@code stream/Null} and {@code stream/Zero}): every write is
 * taken whole and dropped; a read returns nothing (Null) or as many zero bytes as asked (Zero).
 * Neither ever has to wait, so both channels are the stream itself. A read of more than {@link
 * IoStreamCodes#bufLimit} bytes is a RequestError. After {@code close}, every read, write and close
 * raises Closed. {@code destroy} asks the stream's bank to destroy itself, the stream with it, and
 * to answer the caller.
 */
final class BlankStream implements IoStreamServer {
  private final boolean zeros;
  private final SpaceBankClient bank;
  private final long self;
  private boolean closed;

  /**
   * A Zero stream if {@code zeros}, else a Null stream; {@code self} is the location of its own
   * entry capability, {@code bank} a client of the bank it was built from.
   */
  BlankStream(boolean zeros, long self, SpaceBankClient bank) {
    this.zeros = zeros;
    this.self = self;
    this.bank = bank;
  }

  @Override
  public byte[] doRead(int length) throws KernelException {
    if (closed) {
      throw new IoStreamClosedException();
    }
    if (Integer.toUnsignedLong(length) > IoStreamCodes.bufLimit) {
      throw new KernelException(Codes.RC_REQUEST_ERROR);
    }
    return zeros ? new byte[length] : new byte[0];
  }

  @Override
  public int doWrite(byte[] s) throws KernelException {
    if (closed) {
      throw new IoStreamClosedException();
    }
    return s.length;
  }

  @Override
  public long getReadChannel() {
    return self;
  }

  @Override
  public long getWriteChannel() {
    return self;
  }

  @Override
  public void close() throws KernelException {
    if (closed) {
      throw new IoStreamClosedException();
    }
    closed = true;
  }

  @Override
  public void destroy() throws KernelException {
    // The bank answers the caller (and, for a stream its bank built, takes this process away).
    bank.destroyBankAndReturn(CapReg.loc(CapReg.SPACEBANK), CapReg.loc(CapReg.RETURN), Codes.RC_OK);
  }
}
