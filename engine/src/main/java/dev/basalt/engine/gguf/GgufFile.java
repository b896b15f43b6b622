package dev.basalt.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GGUF file (versions 2 and 3), memory-mapped: metadata and tensor infos are parsed onto the heap, tensor
 * data stays in the mapping (files larger than 2 GB work; nothing is copied). Every count, length and offset
 * read from the file is checked against the file's size before it is used, so a damaged or hostile file
 * fails with one {@link GgufFormatException} naming the problem, never an OOM, a hang or an index error.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";
    static final int MAX_DIMS = 4; // GGML_MAX_DIMS

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, GgufValueType> metadataTypes;
    private final Map<String, GgufTensor> tensors;
    private final int alignment;
    private final long dataOffset;

    private GgufFile(Arena arena, int version, Map<String, Object> metadata, Map<String, GgufValueType> metadataTypes,
                     Map<String, GgufTensor> tensors, int alignment, long dataOffset) {
        this.arena = arena;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.metadataTypes = Collections.unmodifiableMap(metadataTypes);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.alignment = alignment;
        this.dataOffset = dataOffset;
    }

    /** Maps and parses the file; the mapping lives until {@link #close()}. */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return parse(file, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            if (e instanceof GgufFormatException g) {
                throw new GgufFormatException(path + ": " + g.getMessage());
            }
            throw e;
        }
    }

    /** Parses a GGUF image already in memory; {@code owner} (may be null) is closed by {@link #close()}. */
    static GgufFile parse(MemorySegment file, Arena owner) {
        Cursor in = new Cursor(file);
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw new GgufFormatException("not a GGUF file (bad magic 0x" + Integer.toHexString(magic) + ")");
        }
        int version = in.i32("version");
        if (version != 2 && version != 3) {
            throw new GgufFormatException(Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
                    ? "big-endian GGUF files are not supported"
                    : "GGUF version " + Integer.toUnsignedString(version) + " is not supported (versions 2 and 3 are)");
        }
        long tensorCount = in.count("tensor count", 8 + 4 + 8 + 4 + 8);
        long kvCount = in.count("metadata count", 8 + 4 + 1);

        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = in.string("metadata key");
            GgufValueType type = GgufValueType.byId(in.i32("value type of " + key), in.pos - 4);
            if (metadata.containsKey(key)) {
                throw new GgufFormatException("duplicate metadata key '" + key + "'");
            }
            metadata.put(key, in.value(type, key, 0));
            types.put(key, type);
        }

        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.containsKey(ALIGNMENT_KEY)) {
            Object a = metadata.get(ALIGNMENT_KEY);
            long value = a instanceof Number n ? n.longValue() : -1;
            if (value <= 0 || value > 1 << 20 || Long.bitCount(value) != 1) {
                throw new GgufFormatException(ALIGNMENT_KEY + " must be a power of two up to 1 MiB, got " + a);
            }
            alignment = (int) value;
        }

        record Info(String name, GgmlType type, long[] dims, long offset, long size) {}
        Map<String, Info> infos = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = in.string("tensor name");
            int nDims = in.i32("dimension count of " + name);
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw new GgufFormatException("tensor '" + name + "' has " + nDims + " dimensions (1 to " + MAX_DIMS + " allowed)");
            }
            long[] dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.i64("dimension of " + name);
                if (dims[d] <= 0 || dims[d] > file.byteSize() * 2 + 1024) {
                    throw new GgufFormatException("tensor '" + name + "' has an impossible dimension " + Long.toUnsignedString(dims[d]));
                }
                try {
                    elements = Math.multiplyExact(elements, dims[d]);
                } catch (ArithmeticException e) {
                    throw new GgufFormatException("tensor '" + name + "' is impossibly large");
                }
            }
            GgmlType type;
            try {
                type = GgmlType.byId(in.i32("type of " + name));
            } catch (GgufFormatException e) {
                throw new GgufFormatException("tensor '" + name + "': " + e.getMessage());
            }
            if (dims[0] % type.blockSize != 0) {
                throw new GgufFormatException("tensor '" + name + "' rows of " + dims[0] + " values are not whole "
                        + type + " blocks of " + type.blockSize);
            }
            long offset = in.i64("data offset of " + name);
            if (infos.containsKey(name)) {
                throw new GgufFormatException("duplicate tensor name '" + name + "'");
            }
            infos.put(name, new Info(name, type, dims, offset, type.byteSize(elements)));
        }

        long dataOffset = alignUp(in.pos, alignment);
        long dataSize = file.byteSize() - dataOffset;
        Map<String, GgufTensor> tensors = new LinkedHashMap<>();
        for (Info t : infos.values()) {
            if (t.offset % alignment != 0) {
                throw new GgufFormatException("tensor '" + t.name + "' data offset " + t.offset
                        + " is not aligned to " + alignment);
            }
            if (t.offset < 0 || t.offset > dataSize || t.size > dataSize - t.offset) {
                throw new GgufFormatException("tensor '" + t.name + "' data [" + Long.toUnsignedString(t.offset) + ", +"
                        + t.size + ") lies outside the data section (" + Math.max(0, dataSize) + " bytes); file truncated?");
            }
            tensors.put(t.name, new GgufTensor(t.name, t.type, t.dims, file.asSlice(dataOffset + t.offset, t.size)));
        }
        return new GgufFile(owner, version, metadata, types, tensors, alignment, dataOffset);
    }

    static long alignUp(long position, int alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }

    public int version() {
        return version;
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset where tensor data begins. */
    public long dataOffset() {
        return dataOffset;
    }

    /** All metadata, in file order. Values as described in {@link GgufValueType}. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    public GgufValueType typeOf(String key) {
        return metadataTypes.get(key);
    }

    /** Tensors by name, in file order. */
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    public GgufTensor tensor(String name) {
        GgufTensor t = tensors.get(name);
        if (t == null) {
            throw new GgufFormatException("missing tensor '" + name + "'");
        }
        return t;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public String getString(String key) {
        return require(key, String.class, "STRING");
    }

    /** An integer of any integer type that fits in an {@code int}. */
    public int getInt(String key) {
        Object v = require(key, Number.class, "an integer");
        if (v instanceof Float || v instanceof Double || ((Number) v).longValue() != ((Number) v).intValue()) {
            throw wrongType(key, "an integer");
        }
        return ((Number) v).intValue();
    }

    public int getInt(String key, int defaultValue) {
        return has(key) ? getInt(key) : defaultValue;
    }

    public float getFloat(String key) {
        return require(key, Number.class, "a number").floatValue();
    }

    public float getFloat(String key, float defaultValue) {
        return has(key) ? getFloat(key) : defaultValue;
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return has(key) ? require(key, Boolean.class, "BOOL") : defaultValue;
    }

    public GgufArray getArray(String key) {
        return require(key, GgufArray.class, "ARRAY");
    }

    private <T> T require(String key, Class<T> type, String expected) {
        Object v = metadata.get(key);
        if (v == null) {
            throw new GgufFormatException("missing required metadata key '" + key + "'");
        }
        if (!type.isInstance(v)) {
            throw wrongType(key, expected);
        }
        return type.cast(v);
    }

    private GgufFormatException wrongType(String key, String expected) {
        return new GgufFormatException("metadata key '" + key + "' is " + metadataTypes.get(key) + ", expected " + expected);
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }

    /** Reads little-endian values, checking every read against the end of the file. */
    private static final class Cursor {
        private static final int MAX_NESTING = 8;
        private final MemorySegment file;
        private long pos;

        Cursor(MemorySegment file) {
            this.file = file;
        }

        private void need(long bytes, String what) {
            if (bytes < 0 || bytes > file.byteSize() - pos) {
                throw new GgufFormatException("file truncated: " + what + " at offset " + pos + " needs "
                        + Long.toUnsignedString(bytes) + " bytes, " + Math.max(0, file.byteSize() - pos) + " remain");
            }
        }

        int i32(String what) {
            need(4, what);
            int v = file.get(I32, pos);
            pos += 4;
            return v;
        }

        long i64(String what) {
            need(8, what);
            long v = file.get(I64, pos);
            pos += 8;
            return v;
        }

        /** A uint64 count of items, each at least {@code minItemBytes} long: rejected if they cannot fit. */
        long count(String what, int minItemBytes) {
            long n = i64(what);
            if (n < 0 || n > (file.byteSize() - pos) / minItemBytes) {
                throw new GgufFormatException(what + " " + Long.toUnsignedString(n) + " at offset " + (pos - 8)
                        + " cannot fit in the remaining " + (file.byteSize() - pos) + " bytes");
            }
            return n;
        }

        String string(String what) {
            long length = i64(what + " length");
            need(length, what);
            if (length > Integer.MAX_VALUE - 8) {
                throw new GgufFormatException(what + " at offset " + pos + " is longer than 2 GiB");
            }
            byte[] bytes = new byte[(int) length]; 
            MemorySegment.copy(file, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
            pos += length;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        Object value(GgufValueType type, String key, int depth) {
            return switch (type) {
                case UINT8 -> Byte.toUnsignedInt(byte1(key));
                case INT8 -> (int) byte1(key);
                case UINT16 -> Short.toUnsignedInt(short2(key));
                case INT16 -> (int) short2(key);
                case UINT32 -> Integer.toUnsignedLong(i32(key));
                case INT32 -> i32(key);
                case FLOAT32 -> Float.intBitsToFloat(i32(key));
                case BOOL -> bool(key);
                case STRING -> string("value of " + key);
                case UINT64, INT64 -> i64(key);
                case FLOAT64 -> Double.longBitsToDouble(i64(key));
                case ARRAY -> array(key, depth);
            };
        }

        private byte byte1(String what) {
            need(1, what);
            return file.get(ValueLayout.JAVA_BYTE, pos++);
        }

        private short short2(String what) {
            need(2, what);
            short v = file.get(I16, pos);
            pos += 2;
            return v;
        }

        private boolean bool(String what) {
            byte b = byte1(what);
            if (b != 0 && b != 1) {
                throw new GgufFormatException("metadata '" + what + "' has a BOOL of value " + b + " at offset " + (pos - 1));
            }
            return b == 1;
        }

        private GgufArray array(String key, int depth) {
            if (depth >= MAX_NESTING) {
                throw new GgufFormatException("metadata '" + key + "' nests arrays deeper than " + MAX_NESTING);
            }
            GgufValueType element = GgufValueType.byId(i32("array type of " + key), pos - 4);
            long n = count("array length of " + key, element.minBytes);
            int length = (int) n; // count() bounded it by the file size (< 2^31 elements of >= 1 byte for files < 2 GiB)
            if (n != length) {
                throw new GgufFormatException("array '" + key + "' has more than 2^31 elements");
            }
            Object values = switch (element) {
                case UINT8, INT8, UINT16, INT16, INT32 -> {
                    int[] a = new int[length];
                    for (int i = 0; i < length; i++) {
                        a[i] = (Integer) value(element, key, depth);
                    }
                    yield a;
                }
                case UINT32, UINT64, INT64 -> {
                    long[] a = new long[length];
                    for (int i = 0; i < length; i++) {
                        a[i] = (Long) value(element, key, depth);
                    }
                    yield a;
                }
                case FLOAT32 -> {
                    need(4L * length, "values of " + key);
                    float[] a = new float[length];
                    MemorySegment.copy(file, F32, pos, a, 0, length);
                    pos += 4L * length;
                    yield a;
                }
                case FLOAT64 -> {
                    need(8L * length, "values of " + key);
                    double[] a = new double[length];
                    MemorySegment.copy(file, F64, pos, a, 0, length);
                    pos += 8L * length;
                    yield a;
                }
                case BOOL -> {
                    boolean[] a = new boolean[length];
                    for (int i = 0; i < length; i++) {
                        a[i] = bool(key);
                    }
                    yield a;
                }
                case STRING -> {
                    String[] a = new String[length];
                    for (int i = 0; i < length; i++) {
                        a[i] = string("element of " + key);
                    }
                    yield a;
                }
                case ARRAY -> {
                    GgufArray[] a = new GgufArray[length];
                    for (int i = 0; i < length; i++) {
                        a[i] = array(key, depth + 1);
                    }
                    yield a;
                }
            };
            return new GgufArray(element, values);
        }
    }
}
