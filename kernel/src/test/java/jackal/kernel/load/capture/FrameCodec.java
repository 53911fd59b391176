package jackal.kernel.load.capture;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captured frames to bytes and back, with the objects they reach: a compact graph writer limited to
 * what a program's frames hold (primitive and reference arrays, strings, instances of the program's
 * own classes, which it recognizes by their loader, and a JDK exception a handler left in a local).
 * A lambda object is refused: see {@code CaptureTransformTest} and docs/PERSISTENCE.md. Each object
 * is written once and referred to by number afterwards, so sharing and cycles survive.
 *
 * <pre>
 * "JKFR" version:int frames:int
 * frame:  method:UTF site:int slots:int (slot: 0 empty | 1 bits:long | 2 value)
 * value:  0 null | 1 ref:int (an earlier object) | 2 string:UTF | 3 array component:UTF length:int
 *         elements | 4 object class:UTF fields (declared, superclass first, statics skipped)
 *         | 5 JDK exception class:UTF message:value
 * </pre>
 *
 * Test code: the kernel's store would write objects through accessors the loader generates
 * (docs/PERSISTENCE.md), not through reflection.
 */
final class FrameCodec {
  private FrameCodec() {}

  private static final int MAGIC = 0x4a4b4652; // "JKFR"
  private static final int VERSION = 1;

  static byte[] write(List<Frame> frames, ClassLoader program) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      Writer w = new Writer(out, program);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(frames.size());
      for (Frame f : frames) {
        out.writeUTF(f.method());
        out.writeInt(f.site());
        out.writeInt(f.slots());
        for (int s = 0; s < f.slots(); s++) {
          if (f.ref(s) != null) {
            out.writeByte(2);
            w.value(f.ref(s));
          } else if (f.prim(s) != 0) {
            out.writeByte(1);
            out.writeLong(f.prim(s));
          } else {
            out.writeByte(0);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static List<Frame> read(byte[] data, ClassLoader program) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new IllegalArgumentException("not a frame file of version " + VERSION);
      }
      Reader r = new Reader(in, program);
      int n = in.readInt();
      List<Frame> frames = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String method = in.readUTF();
        int site = in.readInt();
        int slots = in.readInt();
        long[] prims = new long[slots];
        Object[] refs = new Object[slots];
        for (int s = 0; s < slots; s++) {
          switch (in.readByte()) {
            case 0 -> {}
            case 1 -> prims[s] = in.readLong();
            case 2 -> refs[s] = r.value();
            default -> throw new IllegalArgumentException("bad slot tag");
          }
        }
        frames.add(new Frame(method, site, prims, refs));
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("bytes after the last frame");
      }
      return frames;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Field> fields(Class<?> c) {
    List<Field> out = new ArrayList<>();
    if (c.getSuperclass() != Object.class) {
      out.addAll(fields(c.getSuperclass()));
    }
    for (Field f : c.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        out.add(f);
      }
    }
    return out;
  }

  private static final class Writer {
    final DataOutputStream out;
    final ClassLoader program;
    final Map<Object, Integer> seen = new IdentityHashMap<>();

    Writer(DataOutputStream out, ClassLoader program) {
      this.out = out;
      this.program = program;
    }

    void value(Object v) throws IOException {
      if (v == null) {
        out.writeByte(0);
        return;
      }
      Integer id = seen.get(v);
      if (id != null) {
        out.writeByte(1);
        out.writeInt(id);
        return;
      }
      seen.put(v, seen.size());
      Class<?> c = v.getClass();
      if (v instanceof String s) {
        out.writeByte(2);
        out.writeUTF(s);
      } else if (c.isArray()) {
        out.writeByte(3);
        out.writeUTF(c.getComponentType().getName());
        int n = Array.getLength(v);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
          element(c.getComponentType(), Array.get(v, i));
        }
      } else if (c.getClassLoader() == program) {
        out.writeByte(4);
        out.writeUTF(c.getName());
        for (Field f : fields(c)) {
          try {
            element(f.getType(), f.get(v));
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      } else if (v instanceof Throwable t && c.getClassLoader() == null) {
        // A JDK exception still in a local after its handler: its class and message (the stack
        // trace is not kept).
        out.writeByte(5);
        out.writeUTF(c.getName());
        value(t.getMessage());
      } else {
        throw new IllegalArgumentException(
            "a frame holds a " + c.getName() + ", which is not a program's own class");
      }
    }

    void element(Class<?> type, Object v) throws IOException {
      if (!type.isPrimitive()) {
        value(v);
        return;
      }
      switch (v) {
        case Boolean b -> out.writeBoolean(b);
        case Byte b -> out.writeByte(b);
        case Character ch -> out.writeChar(ch);
        case Short s -> out.writeShort(s);
        case Integer i -> out.writeInt(i);
        case Long l -> out.writeLong(l);
        case Float f -> out.writeFloat(f);
        case Double d -> out.writeDouble(d);
        default -> throw new IllegalStateException(String.valueOf(v));
      }
    }
  }

  private static final class Reader {
    final DataInputStream in;
    final ClassLoader program;
    final List<Object> objects = new ArrayList<>();

    Reader(DataInputStream in, ClassLoader program) {
      this.in = in;
      this.program = program;
    }

    Object value() throws IOException {
      int tag = in.readByte();
      switch (tag) {
        case 0:
          return null;
        case 1:
          return objects.get(in.readInt());
        case 2:
          {
            String s = in.readUTF();
            objects.add(s);
            return s;
          }
        case 3:
          {
            Class<?> component = type(in.readUTF());
            int n = in.readInt();
            Object a = Array.newInstance(component, n);
            objects.add(a);
            for (int i = 0; i < n; i++) {
              Array.set(a, i, element(component));
            }
            return a;
          }
        case 4:
          {
            Class<?> c = type(in.readUTF());
            Object o = allocate(c);
            objects.add(o);
            for (Field f : fields(c)) {
              try {
                f.set(o, element(f.getType()));
              } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
              }
            }
            return o;
          }
        case 5:
          {
            Class<?> c = type(in.readUTF());
            int at = objects.size();
            objects.add(null);
            Object message = value();
            try {
              Object t = c.getConstructor(String.class).newInstance(message);
              objects.set(at, t);
              return t;
            } catch (ReflectiveOperationException e) {
              throw new IllegalArgumentException("cannot re-create a " + c.getName(), e);
            }
          }
        default:
          throw new IllegalArgumentException("bad value tag " + tag);
      }
    }

    Object element(Class<?> type) throws IOException {
      if (!type.isPrimitive()) {
        return value();
      }
      if (type == boolean.class) {
        return in.readBoolean();
      } else if (type == byte.class) {
        return in.readByte();
      } else if (type == char.class) {
        return in.readChar();
      } else if (type == short.class) {
        return in.readShort();
      } else if (type == int.class) {
        return in.readInt();
      } else if (type == long.class) {
        return in.readLong();
      } else if (type == float.class) {
        return in.readFloat();
      } else {
        return in.readDouble();
      }
    }

    Class<?> type(String name) {
      return switch (name) {
        case "boolean" -> boolean.class;
        case "byte" -> byte.class;
        case "char" -> char.class;
        case "short" -> short.class;
        case "int" -> int.class;
        case "long" -> long.class;
        case "float" -> float.class;
        case "double" -> double.class;
        default -> {
          try {
            yield Class.forName(name, false, program);
          } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no class " + name, e);
          }
        }
      };
    }

    /** An instance whose fields the reader sets: no constructor of the program's runs. */
    static Object allocate(Class<?> c) {
      try {
        // sun.reflect.ReflectionFactory (jdk.unsupported), named at run time: the test sources
        // compile inside the kernel's module, which does not read jdk.unsupported.
        Class<?> factory = Class.forName("sun.reflect.ReflectionFactory");
        Object rf = factory.getMethod("getReflectionFactory").invoke(null);
        Constructor<?> k =
            (Constructor<?>)
                factory
                    .getMethod("newConstructorForSerialization", Class.class, Constructor.class)
                    .invoke(rf, c, Object.class.getDeclaredConstructor());
        return k.newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
