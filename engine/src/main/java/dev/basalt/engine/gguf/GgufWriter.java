package dev.basalt.engine.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes GGUF v3 files: metadata of any type and tensors whose bytes are produced one at a time at write
 * time (so that a 1 GB synthetic model never sits on the heap whole). Written to a temporary file and
 * renamed, so a reader never sees half a model.
 */
public final class GgufWriter {
    private record Metadata(GgufValueType type, Object value) {}

    private record Tensor(String name, GgmlType type, long[] dims, long size, Supplier<MemorySegment> data) {}

    private final Map<String, Metadata> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    /** Adds a metadata entry; {@code value} has the Java type {@link GgufValueType} documents. */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        if (key.equals(GgufFile.ALIGNMENT_KEY)) {
            alignment = ((Number) value).intValue();
        }
        metadata.put(key, new Metadata(type, value));
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putArray(String key, GgufArray array) {
        return put(key, GgufValueType.ARRAY, array);
    }

    /** Adds a tensor whose encoded bytes {@code data} supplies when the file is written. */
    public GgufWriter tensor(String name, GgmlType type, long[] dims, Supplier<MemorySegment> data) {
        long elements = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        if (dims[0] % type.blockSize != 0) {
            throw new IllegalArgumentException(name + ": rows of " + dims[0] + " are not whole " + type + " blocks");
        }
        tensors.add(new Tensor(name, type, dims.clone(), type.byteSize(elements), data));
        return this;
    }

    public void write(Path out) throws IOException {
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Header header = new Header();
            header.i32(GgufFile.MAGIC).i32(3).i64(tensors.size()).i64(metadata.size());
            metadata.forEach((key, m) -> header.string(key).i32(m.type.ordinal()).value(m.type, m.value));
            long offset = 0;
            for (Tensor t : tensors) {
                header.string(t.name).i32(t.dims.length);
                for (long d : t.dims) {
                    header.i64(d);
                }
                header.i32(t.type.id).i64(offset);
                offset = GgufFile.alignUp(offset + t.size, alignment);
            }
            header.pad(alignment);
            writeFully(ch, header.buffer());
            long position = 0;
            for (Tensor t : tensors) {
                MemorySegment data = t.data.get();
                if (data.byteSize() != t.size) {
                    throw new IllegalStateException(t.name + ": supplied " + data.byteSize() + " bytes, expected " + t.size);
                }
                writeFully(ch, data.asByteBuffer());
                position += t.size;
                long padded = GgufFile.alignUp(position, alignment);
                writeFully(ch, ByteBuffer.allocate((int) (padded - position)));
                position = padded;
            }
            ch.force(true);
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    /** The header (metadata and tensor infos) in a growable little-endian buffer. */
    private static final class Header {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private Header ensure(int bytes) {
            if (buf.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + bytes))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf = bigger.put(buf.flip());
            }
            return this;
        }

        Header i32(int v) {
            ensure(4).buf.putInt(v);
            return this;
        }

        Header i64(long v) {
            ensure(8).buf.putLong(v);
            return this;
        }

        Header string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length).ensure(b.length).buf.put(b);
            return this;
        }

        Header value(GgufValueType type, Object v) {
            switch (type) {
                case UINT8, INT8 -> ensure(1).buf.put((byte) (int) (Integer) v);
                case UINT16, INT16 -> ensure(2).buf.putShort((short) (int) (Integer) v);
                case UINT32 -> i32((int) (long) (Long) v);
                case INT32 -> i32((Integer) v);
                case FLOAT32 -> ensure(4).buf.putFloat((Float) v);
                case BOOL -> ensure(1).buf.put((byte) ((Boolean) v ? 1 : 0));
                case STRING -> string((String) v);
                case UINT64, INT64 -> i64((Long) v);
                case FLOAT64 -> ensure(8).buf.putDouble((Double) v);
                case ARRAY -> array((GgufArray) v);
            }
            return this;
        }

        private void array(GgufArray a) {
            i32(a.elementType().ordinal()).i64(a.length());
            for (int i = 0; i < a.length(); i++) {
                value(a.elementType(), java.lang.reflect.Array.get(a.values(), i));
            }
        }

        void pad(int alignment) {
            int padded = (int) GgufFile.alignUp(buf.position(), alignment);
            ensure(padded - buf.position()).buf.position(padded);
        }

        ByteBuffer buffer() {
            return buf.flip();
        }
    }
}
