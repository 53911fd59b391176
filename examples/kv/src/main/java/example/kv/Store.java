package example.kv;

import example.idl.example.KeyValueFullException;
import example.idl.example.KeyValueNotFoundException;
import example.idl.example.KeyValueServer;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.CapNoAccessException;
import java.util.HashMap;
import java.util.Map;

/**
 * One facet of the store: both facets share the map; only the writable one may change it. Which
 * facet a request came through is the protected payload of the capability it was sent on, so a
 * holder of the read-only facet cannot write however it builds its request.
 */
final class Store implements KeyValueServer {
  /** At most this many keys: a caller cannot make the server's memory grow without bound. */
  static final int MAX_KEYS = 1024;

  private final Map<Long, String> values;
  private final boolean writable;
  private final long readOnlyFacet;

  /**
   * @param values the map both facets share
   * @param writable whether this facet may put
   * @param readOnlyFacet where the server keeps its read-only entry capability
   */
  Store(Map<Long, String> values, boolean writable, long readOnlyFacet) {
    this.values = values;
    this.writable = writable;
    this.readOnlyFacet = readOnlyFacet;
  }

  static Map<Long, String> newMap() {
    return new HashMap<>();
  }

  @Override
  public String get(long key) throws KernelException {
    String v = values.get(key);
    if (v == null) {
      throw new KeyValueNotFoundException();
    }
    return v;
  }

  @Override
  public void put(long key, String value) throws KernelException {
    if (!writable) {
      throw new CapNoAccessException();
    }
    if (values.size() >= MAX_KEYS && !values.containsKey(key)) {
      throw new KeyValueFullException();
    }
    values.put(key, value);
  }

  /**
   * Empties the store, through the writable facet only. The server process stays: the image
   * built it, not a bank it could hand back.
   */
  @Override
  public void destroy() throws KernelException {
    if (!writable) {
      throw new CapNoAccessException();
    }
    values.clear();
  }

  @Override
  public int size() {
    return values.size();
  }

  @Override
  public long readOnly() {
    return readOnlyFacet;
  }
}
