package jackal.services.stream;

import jackal.runtime.CapReg;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.IoStreamClient;
import jackal.services.idl.coyotos.IoStreamCodes;
import jackal.services.idl.coyotos.IoStreamRequestWouldBlockException;
import java.util.Arrays;

/**
 * The client side of {@code coyotos.IoStream}: its two client-only methods, {@code read} and {@code
 * write} (Coyotos's {@code coyotos_stream_read.c} and {@code coyotos_stream_write.c}), and loops
 * over them for callers that move more than one buffer.
 *
 * <p>A stream answers a request it cannot serve now with RequestWouldBlock. The caller then asks
 * for the matching channel and makes the request once more through it; a channel answers only once
 * the request can go ahead, so the caller waits in the kernel (its call is simply not answered yet)
 * and never polls. If the request through the channel fails too (for instance because another
 * caller is already waiting there), that failure is returned, as in Coyotos.
 *
 * <p>Like the client it wraps, an {@code IoStreams} belongs to one process's program. The channel
 * capability is fetched into register {@code channelReg} (Coyotos takes a temporary capability
 * slot), which the caller gives up to it.
 */
public final class IoStreams {
  /** The most bytes one request moves. */
  public static final int BUF_LIMIT = IoStreamCodes.bufLimit;

  private final IoStreamClient client;
  private final long channel;

  /** How many requests waited in a channel. */
  private long waits;

  /**
   * Calls through {@code client}, whose string area must hold {@link #BUF_LIMIT} bytes; fetches
   * channels into register {@code channelReg}.
   */
  public IoStreams(IoStreamClient client, int channelReg) {
    this.client = client;
    this.channel = CapReg.loc(channelReg);
  }

  /** How many of this library's reads and writes had to wait in a channel so far. */
  public long waits() {
    return waits;
  }

  /** The client this calls through. */
  public IoStreamClient client() {
    return client;
  }

  /**
   * {@code IoStream.read}: up to {@code len} bytes of the stream at {@code stream}, waiting
   * (through the read channel) while there are none; none at the end of the stream.
   */
  public byte[] read(long stream, int len) throws KernelException {
    try {
      return client.doRead(stream, len);
    } catch (IoStreamRequestWouldBlockException e) {
      waits++;
      client.getReadChannel(stream, channel);
      return client.doRead(channel, len);
    }
  }

  /**
   * {@code IoStream.write}: writes {@code s} (at most {@link #BUF_LIMIT} bytes) to the stream at
   * {@code stream}, waiting (through the write channel) while it has no room; returns how many
   * bytes it took.
   */
  public int write(long stream, byte[] s) throws KernelException {
    try {
      return client.doWrite(stream, s);
    } catch (IoStreamRequestWouldBlockException e) {
      waits++;
      client.getWriteChannel(stream, channel);
      return client.doWrite(channel, s);
    }
  }

  /**
   * Writes all of {@code b}, buffer by buffer, as many times as the stream takes part of one;
   * returns {@code b.length}, or fewer if the stream took nothing of a buffer (it would take
   * nothing again).
   */
  public int writeFully(long stream, byte[] b) throws KernelException {
    int done = 0;
    while (done < b.length) {
      int n = Math.min(BUF_LIMIT, b.length - done);
      byte[] chunk = done == 0 && n == b.length ? b : Arrays.copyOfRange(b, done, done + n);
      int took = write(stream, chunk);
      if (took <= 0) {
        break;
      }
      done += Math.min(took, n);
    }
    return done;
  }
}
