package jackal.kernel.load;

import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.load.capture.BadProgramState;
import jackal.kernel.load.capture.CaptureClasses;
import jackal.kernel.load.capture.ClassShape;
import jackal.kernel.load.capture.Frame;
import jackal.kernel.load.capture.ProgramStateFormat;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Program state to bytes and back ({@link ProgramStateFormat}): the static fields of the classes a
 * process initialized, the objects its frames and statics reach, and its frames. Program objects
 * are read and written only through the accessors the loader generated for their classes ({@code
 * jackal.kernel.load.capture.CaptureAccessors}) and re-made without running a constructor; the JDK
 * objects a program may hold have a codec each here. Everything else (a lambda, a Throwable, a
 * collection type without a codec, an object of a program class that extends a JDK class other than
 * Object or Record) makes the state not capturable now, with the reason.
 */
final class ProgramStateCodec {
  private ProgramStateCodec() {}

  /** Something the frames reach cannot be written: the capture is refused with this reason. */
  static final class NotCapturableNow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotCapturableNow(String reason) {
      super(reason, null, false, false);
    }
  }

  // Values.
  private static final int V_EMPTY = 0;
  private static final int V_PRIM = 1;
  private static final int V_REF = 2;
  private static final int V_NULL = 3;
  private static final int V_GATE = 4;

  // Objects.
  private static final int K_PROGRAM = 1;
  private static final int K_ENUM = 2;
  private static final int K_STRING = 3;
  private static final int K_BOX = 4;
  private static final int K_PRIM_ARRAY = 5;
  private static final int K_REF_ARRAY = 6;
  private static final int K_PARAMETER_BLOCK = 7;
  private static final int K_COLLECTION = 8;
  private static final int K_MAP = 9;
  private static final int K_STRING_BUILDER = 10;
  private static final int K_CHARSET = 11;

  /** The charsets a program's state may hold (by name): those every JDK has. */
  private static final List<java.nio.charset.Charset> CHARSETS =
      List.of(
          java.nio.charset.StandardCharsets.UTF_8,
          java.nio.charset.StandardCharsets.US_ASCII,
          java.nio.charset.StandardCharsets.ISO_8859_1,
          java.nio.charset.StandardCharsets.UTF_16,
          java.nio.charset.StandardCharsets.UTF_16BE,
          java.nio.charset.StandardCharsets.UTF_16LE);

  /** Collections with a codec, by exact class; the index is their code in the state. */
  private static final List<Class<?>> COLLECTIONS =
      List.of(
          ArrayList.class,
          LinkedList.class,
          ArrayDeque.class,
          HashSet.class,
          LinkedHashSet.class,
          TreeSet.class,
          List.of().getClass(),
          List.of(1).getClass(),
          Set.of().getClass(),
          Set.of(1).getClass());

  private static final List<Class<?>> MAPS =
      List.of(
          HashMap.class,
          LinkedHashMap.class,
          TreeMap.class,
          Map.of().getClass(),
          Map.of(1, 1).getClass());

  private static final List<Class<?>> BOXES =
      List.of(
          Integer.class,
          Long.class,
          Short.class,
          Byte.class,
          Character.class,
          Boolean.class,
          Float.class,
          Double.class);

  // ---------------------------------------------------------------- accessors

  private record Accessors(
      MethodHandle get,
      MethodHandle set,
      MethodHandle getStatics,
      MethodHandle setStatics,
      MethodHandle make) {}

  /** Per class, found once; a ClassValue keeps no class (and no process) alive. */
  private static final ClassValue<Accessors> ACCESSORS =
      new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> c) {
          return find(c);
        }
      };

  private static Accessors accessors(Class<?> c, ClassShape shape) {
    Accessors a = ACCESSORS.get(c);
    if (shape.instantiable() && a.make() == null) {
      throw new IllegalStateException(c + " has no $jackal$new");
    }
    return a;
  }

  private static Accessors find(Class<?> c) {
    VerifiedProgram program =
        switch (c.getClassLoader()) {
          case ProcessClassLoader l -> l.program();
          case SharedClassLoader l -> l.program();
          case null, default -> throw new IllegalStateException(c + " is not a program class");
        };
    ClassLoader loader = c.getClassLoader();
    ClassShape shape = program.shapes().get(c.getName());
    try {
      ProgramStateCodec.class.getModule().addReads(c.getModule());
      MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
      Class<?> token = loader.loadClass(CaptureClasses.STATE_NAME);
      MethodType fields =
          MethodType.methodType(void.class, token, Object.class, long[].class, Object[].class);
      MethodType statics = MethodType.methodType(void.class, token, long[].class, Object[].class);
      MethodHandle make =
          shape.instantiable()
              ? l.findStatic(c, "$jackal$new", MethodType.methodType(Object.class, token))
              : null;
      return new Accessors(
          l.findStatic(c, "$jackal$get", fields),
          l.findStatic(c, "$jackal$set", fields),
          l.findStatic(c, "$jackal$getStatics", statics),
          l.findStatic(c, "$jackal$setStatics", statics),
          make);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(c + " has no capture accessors", e);
    }
  }

  // ---------------------------------------------------------------- encode

  static byte[] encode(LoadedProgram prog, List<Frame> frames, SystemCalls gate) {
    return new Writer(prog, gate).write(frames);
  }

  private static final class Writer {
    final LoadedProgram prog;
    final SystemCalls gate;
    final Map<String, Integer> classIndex = new LinkedHashMap<>();
    final IdentityHashMap<Object, Integer> ids = new IdentityHashMap<>();
    final List<Object> order = new ArrayList<>();

    Writer(LoadedProgram prog, SystemCalls gate) {
      this.prog = prog;
      this.gate = gate;
    }

    int classId(String name) {
      return classIndex.computeIfAbsent(name, n -> classIndex.size());
    }

    void value(DataOutputStream out, Object o) throws IOException {
      if (o == null) {
        out.writeByte(V_NULL);
      } else if (o == gate) {
        out.writeByte(V_GATE);
      } else {
        Integer id = ids.get(o);
        if (id == null) {
          id = order.size();
          ids.put(o, id);
          order.add(o);
        }
        out.writeByte(V_REF);
        out.writeInt(id);
      }
    }

    byte[] write(List<Frame> frames) {
      try {
        ByteArrayOutputStream framesBuf = new ByteArrayOutputStream();
        DataOutputStream f = new DataOutputStream(framesBuf);
        f.writeInt(frames.size());
        for (Frame fr : frames) {
          f.writeUTF(fr.method());
          f.writeShort(fr.site());
          f.writeInt(fr.slots());
          for (int s = 0; s < fr.slots(); s++) {
            Object r = fr.ref(s);
            if (r != null) {
              value(f, r);
            } else if (fr.prim(s) != 0) {
              f.writeByte(V_PRIM);
              f.writeLong(fr.prim(s));
            } else {
              f.writeByte(V_EMPTY);
            }
          }
        }
        ByteArrayOutputStream staticsBuf = new ByteArrayOutputStream();
        DataOutputStream st = new DataOutputStream(staticsBuf);
        List<Class<?>> inits = prog.loader.initializedClasses();
        st.writeInt(inits.size());
        for (Class<?> c : inits) {
          ClassShape shape = shape(c);
          st.writeInt(classId(c.getName()));
          List<String> fields = shape.statics();
          long[] p = new long[fields.size()];
          Object[] r = new Object[fields.size()];
          try {
            accessors(c, shape).getStatics().invoke((Object) null, p, r);
          } catch (Throwable t) {
            throw new IllegalStateException("reading the statics of " + c.getName(), t);
          }
          fieldValues(st, fields, p, r);
        }
        ByteArrayOutputStream heapBuf = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(heapBuf);
        for (int i = 0; i < order.size(); i++) {
          object(h, order.get(i));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeUTF(prog.program.digest());
        b.writeInt(classIndex.size());
        for (String n : classIndex.keySet()) {
          b.writeUTF(n);
        }
        staticsBuf.writeTo(b);
        b.writeInt(order.size());
        heapBuf.writeTo(b);
        framesBuf.writeTo(b);
        b.flush();
        return frame(body.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    ClassShape shape(Class<?> c) {
      ClassShape s = prog.owns(c) ? prog.program.shapes().get(c.getName()) : null;
      if (s == null) {
        throw new IllegalStateException(c + " is not a class of the program");
      }
      return s;
    }

    void fieldValues(DataOutputStream out, List<String> fields, long[] p, Object[] r)
        throws IOException {
      out.writeShort(fields.size());
      for (int i = 0; i < fields.size(); i++) {
        if (isRef(fields.get(i))) {
          value(out, r[i]);
        } else {
          out.writeByte(V_PRIM);
          out.writeLong(p[i]);
        }
      }
    }

    void object(DataOutputStream out, Object o) throws IOException {
      Class<?> c = o.getClass();
      if (prog.owns(c)) {
        if (c.isHidden()) {
          String n = c.getName();
          int at = n.indexOf("$$Lambda");
          throw new NotCapturableNow(
              "a lambda or method reference made in "
                  + (at > 0 ? n.substring(0, at) : n)
                  + " ("
                  + n
                  + ") is reachable from its frames or statics; its state cannot be captured"
                  + " while it holds one: use a class that implements the interface instead");
        }
        if (o instanceof Enum<?> e) {
          out.writeByte(K_ENUM);
          out.writeInt(classId(e.getDeclaringClass().getName()));
          out.writeUTF(e.name());
        } else {
          out.writeByte(K_PROGRAM);
          out.writeInt(classId(c.getName()));
        }
        levels(out, o, c);
        return;
      }
      if (c == String.class) {
        out.writeByte(K_STRING);
        string(out, (String) o);
      } else if (BOXES.contains(c)) {
        out.writeByte(K_BOX);
        out.writeByte(BOXES.indexOf(c));
        out.writeLong(boxBits(o));
      } else if (c.isArray() && c.getComponentType().isPrimitive()) {
        out.writeByte(K_PRIM_ARRAY);
        primArray(out, o);
      } else if (c.isArray()) {
        Object[] a = (Object[]) o;
        out.writeByte(K_REF_ARRAY);
        out.writeUTF(c.getComponentType().getName());
        out.writeInt(a.length);
        for (Object e : a) {
          value(out, e);
        }
      } else if (c == ParameterBlock.class) {
        // Its words are an array of their own, which a program may also hold (Ipc.w): kept as a
        // reference so the two stay one array.
        out.writeByte(K_PARAMETER_BLOCK);
        value(out, ((ParameterBlock) o).w);
      } else if (c == StringBuilder.class) {
        out.writeByte(K_STRING_BUILDER);
        string(out, o.toString());
      } else if (o instanceof java.nio.charset.Charset cs && CHARSETS.contains(cs)) {
        out.writeByte(K_CHARSET); // a JDK singleton: kept by which one it is
        out.writeByte(CHARSETS.indexOf(cs));
      } else if (COLLECTIONS.contains(c)) {
        if (o instanceof TreeSet<?> t && t.comparator() != null) {
          throw new NotCapturableNow("a TreeSet with a comparator is reachable");
        }
        Collection<?> coll = (Collection<?>) o;
        out.writeByte(K_COLLECTION);
        out.writeByte(COLLECTIONS.indexOf(c));
        out.writeInt(coll.size());
        for (Object e : coll) {
          value(out, e);
        }
      } else if (MAPS.contains(c)) {
        if (o instanceof TreeMap<?, ?> t && t.comparator() != null) {
          throw new NotCapturableNow("a TreeMap with a comparator is reachable");
        }
        Map<?, ?> m = (Map<?, ?>) o;
        out.writeByte(K_MAP);
        out.writeByte(MAPS.indexOf(c));
        out.writeInt(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
          value(out, e.getKey());
          value(out, e.getValue());
        }
      } else {
        throw new NotCapturableNow(
            "an object of " + c.getName() + " is reachable, and its state has no codec");
      }
    }

    /** The fields of {@code o} class by class, from its own class up to Object or Record. */
    void levels(DataOutputStream out, Object o, Class<?> c) throws IOException {
      for (Class<?> at = c; ; at = at.getSuperclass()) {
        if (at == Object.class || at == Record.class || at == Enum.class) {
          return;
        }
        if (!prog.owns(at)) {
          throw new NotCapturableNow(
              "an object of "
                  + c.getName()
                  + " is reachable, and its superclass "
                  + at.getName()
                  + " keeps state no codec can write");
        }
        ClassShape s = shape(at);
        long[] p = new long[s.fields().size()];
        Object[] r = new Object[s.fields().size()];
        try {
          accessors(at, s).get().invoke((Object) null, o, p, r);
        } catch (Throwable t) {
          throw new IllegalStateException("reading the fields of " + at.getName(), t);
        }
        fieldValues(out, s.fields(), p, r);
      }
    }
  }

  private static boolean isRef(String field) {
    char c = field.charAt(field.indexOf(':') + 1);
    return c == 'L' || c == '[';
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static long boxBits(Object o) {
    return switch (o) {
      case Integer i -> i;
      case Long l -> l;
      case Short s -> s;
      case Byte b -> b;
      case Character c -> c;
      case Boolean b -> b ? 1 : 0;
      case Float f -> Float.floatToRawIntBits(f);
      case Double d -> Double.doubleToRawLongBits(d);
      default -> throw new IllegalArgumentException(o.getClass().getName());
    };
  }

  private static Object box(int kind, long v) {
    return switch (kind) {
      case 0 -> (int) v;
      case 1 -> v;
      case 2 -> (short) v;
      case 3 -> (byte) v;
      case 4 -> (char) v;
      case 5 -> v != 0;
      case 6 -> Float.intBitsToFloat((int) v);
      case 7 -> Double.longBitsToDouble(v);
      default -> throw new IllegalArgumentException("box kind " + kind);
    };
  }

  private static void primArray(DataOutputStream out, Object a) throws IOException {
    switch (a) {
      case boolean[] x -> {
        out.writeByte('Z');
        out.writeInt(x.length);
        for (boolean v : x) {
          out.writeBoolean(v);
        }
      }
      case byte[] x -> {
        out.writeByte('B');
        out.writeInt(x.length);
        out.write(x);
      }
      case char[] x -> {
        out.writeByte('C');
        out.writeInt(x.length);
        for (char v : x) {
          out.writeChar(v);
        }
      }
      case short[] x -> {
        out.writeByte('S');
        out.writeInt(x.length);
        for (short v : x) {
          out.writeShort(v);
        }
      }
      case int[] x -> {
        out.writeByte('I');
        out.writeInt(x.length);
        for (int v : x) {
          out.writeInt(v);
        }
      }
      case long[] x -> {
        out.writeByte('J');
        out.writeInt(x.length);
        for (long v : x) {
          out.writeLong(v);
        }
      }
      case float[] x -> {
        out.writeByte('F');
        out.writeInt(x.length);
        for (float v : x) {
          out.writeInt(Float.floatToRawIntBits(v));
        }
      }
      case double[] x -> {
        out.writeByte('D');
        out.writeInt(x.length);
        for (double v : x) {
          out.writeLong(Double.doubleToRawLongBits(v));
        }
      }
      default -> throw new IllegalArgumentException(a.getClass().getName());
    }
  }

  /** magic, version, length, body, CRC-32C of all before it. */
  private static byte[] frame(byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + 4 + body.length + 4);
    b.putInt(ProgramStateFormat.MAGIC).putShort((short) ProgramStateFormat.VERSION);
    b.putInt(body.length).put(body);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  // ---------------------------------------------------------------- decode

  /**
   * Checks what can be checked without the image: magic, version, length and checksum. Returns the
   * body.
   */
  static ByteBuffer checkFrame(byte[] state) throws BadProgramState {
    if (state.length < 14) {
      throw new BadProgramState(state.length + " bytes, fewer than a header and checksum");
    }
    ByteBuffer b = ByteBuffer.wrap(state);
    int magic = b.getInt();
    if (magic != ProgramStateFormat.MAGIC) {
      throw new BadProgramState(
          "offset 0: not program state (magic " + Integer.toHexString(magic) + ")");
    }
    int version = b.getShort() & 0xffff;
    if (version != ProgramStateFormat.VERSION) {
      throw new BadProgramState(
          "offset 4: format version "
              + version
              + ", this kernel reads "
              + ProgramStateFormat.VERSION);
    }
    int length = b.getInt();
    if (length < 0 || length != state.length - 14) {
      throw new BadProgramState(
          "offset 6: length "
              + length
              + " but "
              + (state.length - 14)
              + " bytes follow the header");
    }
    CRC32C crc = new CRC32C();
    crc.update(state, 0, state.length - 4);
    int stored = ByteBuffer.wrap(state, state.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new BadProgramState(
          "offset " + (state.length - 4) + ": checksum does not match: the state is corrupted");
    }
    return ByteBuffer.wrap(state, 10, length).slice();
  }

  /**
   * Rebuilds the state's classes, statics and objects in {@code prog}'s process and returns its
   * frames, ready to re-enter; the process's capture state is left restoring classes (the caller
   * arms the frames or abandons).
   */
  static List<Frame> decode(LoadedProgram prog, byte[] state, SystemCalls gate)
      throws BadProgramState {
    ByteBuffer b = checkFrame(state);
    try {
      return new Reader(prog, b, gate).read();
    } catch (BufferUnderflowException e) {
      throw new BadProgramState("truncated at offset " + (10 + b.position()));
    }
  }

  private record Val(int tag, long bits) {}

  private static final class Reader {
    final LoadedProgram prog;
    final ByteBuffer b;
    final SystemCalls gate;
    final List<String> classes = new ArrayList<>();
    Object[] objects;

    Reader(LoadedProgram prog, ByteBuffer b, SystemCalls gate) {
      this.prog = prog;
      this.b = b;
      this.gate = gate;
    }

    BadProgramState bad(String what) {
      return new BadProgramState("at offset " + (10 + b.position()) + ": " + what);
    }

    String utf() throws BadProgramState {
      int n = b.getShort() & 0xffff;
      if (n > b.remaining()) {
        throw bad("a string runs past the end");
      }
      byte[] x = new byte[n];
      b.get(x);
      return new String(x, StandardCharsets.UTF_8);
    }

    int count(String what, int max) throws BadProgramState {
      int n = b.getInt();
      if (n < 0 || n > max) {
        throw bad(what + " count " + n + " out of range");
      }
      return n;
    }

    Val value() throws BadProgramState {
      int tag = b.get();
      return switch (tag) {
        case V_EMPTY, V_NULL, V_GATE -> new Val(tag, 0);
        case V_PRIM -> new Val(tag, b.getLong());
        case V_REF -> new Val(tag, b.getInt());
        default -> throw bad("unknown value tag " + tag);
      };
    }

    Object ref(Val v) throws BadProgramState {
      return switch (v.tag()) {
        case V_NULL, V_EMPTY -> null;
        case V_GATE -> gate;
        case V_REF -> {
          if (v.bits() < 0 || v.bits() >= objects.length) {
            throw bad("reference to object " + v.bits() + " of " + objects.length);
          }
          yield objects[(int) v.bits()];
        }
        default -> throw bad("a primitive where a reference belongs");
      };
    }

    Class<?> programClass(int index) throws BadProgramState {
      if (index < 0 || index >= classes.size()) {
        throw bad("class index " + index + " of " + classes.size());
      }
      try {
        return Class.forName(classes.get(index), false, prog.loader);
      } catch (ClassNotFoundException e) {
        throw bad("class " + classes.get(index) + " cannot be loaded");
      }
    }

    ClassShape shape(Class<?> c) {
      return prog.program.shapes().get(c.getName());
    }

    List<Frame> read() throws BadProgramState {
      String digest = utf();
      if (!digest.equals(prog.program.digest())) {
        throw new BadProgramState(
            "taken from another image (segments "
                + digest
                + "); this process runs "
                + prog.program.digest());
      }
      int nc = count("class", b.remaining());
      for (int i = 0; i < nc; i++) {
        String name = utf();
        if (!prog.program.defines(name)) {
          throw bad("names class " + name + ", which is not a class of this program's image");
        }
        classes.add(name);
      }
      // Statics: which classes were initialized, in order, and their values (read now, set later).
      int ns = count("initialized class", nc);
      List<Class<?>> inits = new ArrayList<>();
      List<List<Val>> staticVals = new ArrayList<>();
      Set<String> skip = new HashSet<>();
      for (int i = 0; i < ns; i++) {
        Class<?> c = programClass(b.getInt());
        ClassShape s = shape(c);
        List<Val> vals = fields(s.statics(), c);
        inits.add(c);
        staticVals.add(vals);
        if (s.guarded()) {
          skip.add(c.getName());
        }
      }
      int no = count("object", b.remaining());
      objects = new Object[no];
      // Pass 1 (after the classes are initialized in order): make every object.
      prog.capture.restoreClasses(skip);
      for (Class<?> c : inits) {
        try {
          Class.forName(c.getName(), true, prog.loader);
        } catch (ClassNotFoundException e) {
          throw bad("class " + c.getName() + " cannot be initialized");
        }
      }
      List<Runnable> fills = new ArrayList<>();
      List<Runnable> lateFills = new ArrayList<>();
      for (int i = 0; i < no; i++) {
        objects[i] = make(i, fills, lateFills);
      }
      if (!blockWords.isEmpty()) {
        throw bad("a parameter block's words are not an array of longs");
      }
      makeImmutables();
      try {
        for (Runnable r : fills) {
          r.run();
        }
        // Hash-based collections last, inner ones (found later) first: their elements' fields
        // are set by then, so their hash codes are final.
        for (int i = lateFills.size() - 1; i >= 0; i--) {
          lateFills.get(i).run();
        }
      } catch (BadStateInFill e) {
        throw (BadProgramState) e.getCause();
      }
      for (int i = 0; i < inits.size(); i++) {
        Class<?> c = inits.get(i);
        ClassShape s = shape(c);
        long[] p = new long[s.statics().size()];
        Object[] r = new Object[p.length];
        try {
          spread(staticVals.get(i), s.statics(), p, r);
          accessors(c, s).setStatics().invoke((Object) null, p, r);
        } catch (BadStateInFill e) {
          throw (BadProgramState) e.getCause();
        } catch (Throwable t) {
          throw bad("setting the statics of " + c.getName() + ": " + t);
        }
      }
      int nf = count("frame", b.remaining());
      if (nf == 0) {
        throw bad("no frames");
      }
      List<Frame> frames = new ArrayList<>();
      for (int i = 0; i < nf; i++) {
        String method = utf();
        int site = b.getShort() & 0xffff;
        int slots = count("slot", 1 << 16);
        long[] p = new long[slots];
        Object[] r = new Object[slots];
        for (int k = 0; k < slots; k++) {
          Val v = value();
          if (v.tag() == V_PRIM) {
            p[k] = v.bits();
          } else {
            r[k] = ref(v);
          }
        }
        frames.add(new Frame(method, site, p, r));
      }
      if (b.hasRemaining()) {
        throw bad(b.remaining() + " bytes after the last frame");
      }
      return frames;
    }

    /** Reads field values of a record, checking their count and kinds against the class's. */
    List<Val> fields(List<String> declared, Class<?> c) throws BadProgramState {
      int n = b.getShort() & 0xffff;
      if (n != declared.size()) {
        throw bad(c.getName() + " has " + declared.size() + " such fields, the state " + n);
      }
      List<Val> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Val v = value();
        boolean ref = isRef(declared.get(i));
        if (ref == (v.tag() == V_PRIM) || v.tag() == V_EMPTY) {
          throw bad(
              "field " + c.getName() + "." + declared.get(i) + " has a value of the wrong kind");
        }
        out.add(v);
      }
      return out;
    }

    void spread(List<Val> vals, List<String> declared, long[] p, Object[] r) {
      for (int i = 0; i < vals.size(); i++) {
        Val v = vals.get(i);
        if (v.tag() == V_PRIM) {
          p[i] = v.bits();
        } else {
          try {
            r[i] = ref(v);
          } catch (BadProgramState e) {
            throw new BadStateInFill(e);
          }
        }
      }
    }

    /** Reads object {@code i}'s record and makes it; what fills it is queued. */
    Object make(int i, List<Runnable> fills, List<Runnable> lateFills) throws BadProgramState {
      int kind = b.get();
      switch (kind) {
        case K_PROGRAM, K_ENUM -> {
          Class<?> c = programClass(b.getInt());
          Object o;
          if (kind == K_ENUM) {
            String name = utf();
            if (!c.isEnum()) {
              throw bad(c.getName() + " is not an enum");
            }
            o = enumConstant(c, name);
          } else {
            ClassShape s = shape(c);
            if (!s.instantiable()) {
              throw bad(c.getName() + " cannot be re-made (abstract, or not a plain class)");
            }
            try {
              o = accessors(c, s).make().invoke((Object) null);
            } catch (Throwable t) {
              throw bad("making an object of " + c.getName() + ": " + t);
            }
          }
          List<Class<?>> levels = new ArrayList<>();
          List<List<Val>> vals = new ArrayList<>();
          for (Class<?> at = o.getClass();
              at != Object.class && at != Record.class && at != Enum.class;
              at = at.getSuperclass()) {
            if (!prog.owns(at)) {
              throw bad(c.getName() + " extends " + at.getName());
            }
            levels.add(at);
            vals.add(fields(shape(at).fields(), at));
          }
          Object obj = o;
          fills.add(
              () -> {
                for (int k = 0; k < levels.size(); k++) {
                  Class<?> at = levels.get(k);
                  ClassShape s = shape(at);
                  long[] p = new long[s.fields().size()];
                  Object[] r = new Object[p.length];
                  spread(vals.get(k), s.fields(), p, r);
                  try {
                    accessors(at, s).set().invoke((Object) null, obj, p, r);
                  } catch (Throwable t) {
                    throw new BadStateInFill(
                        new BadProgramState("setting the fields of " + at.getName() + ": " + t));
                  }
                }
              });
          return o;
        }
        case K_STRING -> {
          return readString();
        }
        case K_BOX -> {
          int k = b.get();
          if (k < 0 || k >= BOXES.size()) {
            throw bad("box kind " + k);
          }
          return box(k, b.getLong());
        }
        case K_PRIM_ARRAY -> {
          Object a = primArray();
          long[] words = blockWords.remove(i);
          if (words != null) {
            if (!(a instanceof long[] read) || read.length != words.length) {
              throw bad("a parameter block's words are not " + words.length + " longs");
            }
            System.arraycopy(read, 0, words, 0, words.length);
            return words;
          }
          return a;
        }
        case K_REF_ARRAY -> {
          String component = utf();
          int n = count("array element", b.remaining());
          Class<?> ct = arrayComponent(component);
          Object[] a;
          try {
            a = (Object[]) MethodHandles.arrayConstructor(ct.arrayType()).invoke(n);
          } catch (Throwable t) {
            throw bad("making an array of " + ct.getName() + ": " + t);
          }
          List<Val> vals = new ArrayList<>(n);
          for (int k = 0; k < n; k++) {
            vals.add(value());
          }
          fills.add(
              () -> {
                for (int k = 0; k < n; k++) {
                  Object e = refInFill(vals.get(k));
                  if (e != null && !ct.isInstance(e)) {
                    throw new BadStateInFill(
                        bad("an element of " + ct.getName() + "[] is a " + e.getClass().getName()));
                  }
                  a[k] = e;
                }
              });
          return a;
        }
        case K_PARAMETER_BLOCK -> {
          ParameterBlock pb = new ParameterBlock();
          Val w = value();
          int j = idOf(w);
          if (j < 0 || j >= objects.length || j == i) {
            throw bad("a parameter block without its words");
          }
          if (j < i) {
            if (!(objects[j] instanceof long[] words) || words.length != ParameterBlock.WORDS) {
              throw bad("a parameter block's words are not " + ParameterBlock.WORDS + " longs");
            }
            System.arraycopy(words, 0, pb.w, 0, words.length);
            objects[j] = pb.w; // the block's own array is the one everything else sees
          } else if (blockWords.put(j, pb.w) != null) {
            throw bad("two parameter blocks share their words");
          }
          return pb;
        }
        case K_STRING_BUILDER -> {
          return new StringBuilder(readString());
        }
        case K_CHARSET -> {
          int k = b.get();
          if (k < 0 || k >= CHARSETS.size()) {
            throw bad("charset " + k);
          }
          return CHARSETS.get(k);
        }
        case K_COLLECTION -> {
          int which = b.get();
          if (which < 0 || which >= COLLECTIONS.size()) {
            throw bad("collection kind " + which);
          }
          int n = count("element", b.remaining());
          List<Val> vals = new ArrayList<>(n);
          for (int k = 0; k < n; k++) {
            vals.add(value());
          }
          Collection<Object> c = newCollection(which);
          if (c != null) {
            lateFills.add(
                () -> {
                  for (Val v : vals) {
                    c.add(refInFill(v));
                  }
                });
            return c;
          }
          boolean list = which <= 7;
          immutables.put(
              i,
              () -> {
                Object[] elems = new Object[n];
                for (int k = 0; k < n; k++) {
                  elems[k] = ref(vals.get(k));
                  if (elems[k] == null || immutables.containsKey(idOf(vals.get(k)))) {
                    return null; // null is refused below; an unmade element waits
                  }
                }
                return list ? List.of(elems) : Set.of(elems);
              });
          return null;
        }
        case K_MAP -> {
          int which = b.get();
          if (which < 0 || which >= MAPS.size()) {
            throw bad("map kind " + which);
          }
          int n = count("entry", b.remaining());
          List<Val> vals = new ArrayList<>(2 * n);
          for (int k = 0; k < 2 * n; k++) {
            vals.add(value());
          }
          Map<Object, Object> m =
              switch (which) {
                case 0 -> new HashMap<>();
                case 1 -> new LinkedHashMap<>();
                case 2 -> new TreeMap<>();
                default -> null;
              };
          if (m != null) {
            lateFills.add(
                () -> {
                  for (int k = 0; k < n; k++) {
                    m.put(refInFill(vals.get(2 * k)), refInFill(vals.get(2 * k + 1)));
                  }
                });
            return m;
          }
          immutables.put(
              i,
              () -> {
                Map<Object, Object> tmp = new LinkedHashMap<>();
                for (int k = 0; k < 2 * n; k += 2) {
                  Object key = ref(vals.get(k));
                  Object val = ref(vals.get(k + 1));
                  if (key == null
                      || val == null
                      || immutables.containsKey(idOf(vals.get(k)))
                      || immutables.containsKey(idOf(vals.get(k + 1)))) {
                    return null;
                  }
                  tmp.put(key, val);
                }
                return Map.copyOf(tmp);
              });
          return null;
        }
        default -> throw bad("unknown object kind " + kind + " for object " + i);
      }
    }

    /** Words arrays of parameter blocks made before them, by object index. */
    final Map<Integer, long[]> blockWords = new HashMap<>();

    /** Immutable collections, made once their elements are: object index to its maker. */
    final Map<Integer, Maker> immutables = new LinkedHashMap<>();

    interface Maker {
      /** The object, or null while an element is not made yet. */
      Object make() throws BadProgramState;
    }

    static int idOf(Val v) {
      return v.tag() == V_REF ? (int) v.bits() : -1;
    }

    /** Makes the immutable collections, each after the immutable ones it holds. */
    void makeImmutables() throws BadProgramState {
      while (!immutables.isEmpty()) {
        boolean progress = false;
        for (var it = immutables.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          Object o = e.getValue().make();
          if (o != null) {
            objects[e.getKey()] = o;
            it.remove();
            progress = true;
          }
        }
        if (!progress) {
          throw bad("immutable collections hold null, or one another in a cycle");
        }
      }
    }

    Collection<Object> newCollection(int which) {
      return switch (which) {
        case 0 -> new ArrayList<>();
        case 1 -> new LinkedList<>();
        case 2 -> new ArrayDeque<>();
        case 3 -> new HashSet<>();
        case 4 -> new LinkedHashSet<>();
        case 5 -> new TreeSet<>();
        default -> null;
      };
    }

    Object refInFill(Val v) {
      try {
        return ref(v);
      } catch (BadProgramState e) {
        throw new BadStateInFill(e);
      }
    }

    String readString() throws BadProgramState {
      int n = count("string byte", b.remaining());
      byte[] x = new byte[n];
      b.get(x);
      return new String(x, StandardCharsets.UTF_8);
    }

    Object primArray() throws BadProgramState {
      int t = b.get();
      int n = count("array element", b.remaining());
      return switch (t) {
        case 'Z' -> {
          boolean[] a = new boolean[n];
          for (int k = 0; k < n; k++) {
            a[k] = b.get() != 0;
          }
          yield a;
        }
        case 'B' -> {
          byte[] a = new byte[n];
          b.get(a);
          yield a;
        }
        case 'C' -> {
          char[] a = new char[n];
          for (int k = 0; k < n; k++) {
            a[k] = b.getChar();
          }
          yield a;
        }
        case 'S' -> {
          short[] a = new short[n];
          for (int k = 0; k < n; k++) {
            a[k] = b.getShort();
          }
          yield a;
        }
        case 'I' -> {
          int[] a = new int[n];
          for (int k = 0; k < n; k++) {
            a[k] = b.getInt();
          }
          yield a;
        }
        case 'J' -> {
          long[] a = new long[n];
          for (int k = 0; k < n; k++) {
            a[k] = b.getLong();
          }
          yield a;
        }
        case 'F' -> {
          float[] a = new float[n];
          for (int k = 0; k < n; k++) {
            a[k] = Float.intBitsToFloat(b.getInt());
          }
          yield a;
        }
        case 'D' -> {
          double[] a = new double[n];
          for (int k = 0; k < n; k++) {
            a[k] = Double.longBitsToDouble(b.getLong());
          }
          yield a;
        }
        default -> throw bad("primitive array type " + (char) t);
      };
    }

    /**
     * The component type of a reference array: found through the process's own loader (a program
     * class of the image, an allowed JDK class, the kernel's API), or an array of those.
     */
    Class<?> arrayComponent(String name) throws BadProgramState {
      try {
        if (name.startsWith("[")) {
          return Class.forName(name, false, prog.loader);
        }
        return prog.loader.loadClass(name);
      } catch (ClassNotFoundException | LinkageError e) {
        throw bad("array of " + name + ", which this program cannot name");
      }
    }

    Object enumConstant(Class<?> c, String name) throws BadProgramState {
      for (Object k : c.getEnumConstants()) {
        if (((Enum<?>) k).name().equals(name)) {
          return k;
        }
      }
      throw bad(c.getName() + " has no constant " + name);
    }
  }

  /** A bad state found while filling objects (inside a queued step). */
  private static final class BadStateInFill extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadStateInFill(BadProgramState cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
