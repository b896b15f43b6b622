package dev.basalt.platform.convert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file mapped into memory: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and {@code data_offsets} (relative to the end of the header), then the tensor bytes.
 * Every offset, size and dtype is checked before a tensor is handed out, so a damaged or hostile file fails
 * with one {@link SafetensorsFormatException} instead of an out-of-bounds read.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The reference implementation's limit; a real header is a few hundred bytes per tensor. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Arena arena;
    private final Map<String, SafetensorsTensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Arena arena, Map<String, SafetensorsTensor> tensors, Map<String, String> metadata) {
        this.arena = arena;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return parse(file, path.getFileName().toString(), arena);
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses {@code file} (named {@code name} in errors); {@code arena} owns it and is closed by {@link #close()}. */
    static SafetensorsFile parse(MemorySegment file, String name, Arena arena) {
        if (file.byteSize() < 8) {
            throw error(name, "is " + file.byteSize() + " bytes long, shorter than the 8-byte header length");
        }
        long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > file.byteSize() - 8) {
            throw error(name, "declares a header of " + Long.toUnsignedString(headerLength) + " bytes, but the file has "
                    + (file.byteSize() - 8) + " bytes after the length (limit " + MAX_HEADER_BYTES + ")");
        }
        byte[] headerBytes = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw error(name, "has a header that is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw error(name, "has a header that is not a JSON object");
        }
        MemorySegment data = file.asSlice(8 + headerLength);
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                readMetadata(name, field.getValue(), metadata);
            } else {
                tensors.put(field.getKey(), tensor(name, field.getKey(), field.getValue(), data));
            }
        }
        checkNoOverlap(name, tensors.values(), data);
        return new SafetensorsFile(arena, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(String file, JsonNode node, Map<String, String> into) {
        if (!node.isObject()) {
            throw error(file, "has __metadata__ that is not an object");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw error(file, "has __metadata__ entry " + e.getKey() + " that is not a string");
            }
            into.put(e.getKey(), e.getValue().asText());
        });
    }

    private static SafetensorsTensor tensor(String file, String tensor, JsonNode node, MemorySegment data) {
        String where = "tensor " + tensor;
        if (!node.isObject()) {
            throw error(file, where + " is not described by an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw error(file, where + " has no dtype");
        }
        SafetensorsDtype dtype = SafetensorsDtype.byName(dtypeNode.asText()).orElseThrow(() -> error(file,
                where + " has unknown dtype '" + dtypeNode.asText() + "'"));
        long[] shape = longs(file, where, node.get("shape"), "shape", -1);
        long[] offsets = longs(file, where, node.get("data_offsets"), "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > data.byteSize()) {
            throw error(file, where + " has data_offsets [" + begin + ", " + end + "] outside the "
                    + data.byteSize() + " data bytes");
        }
        long elements = 1;
        for (long d : shape) {
            elements = multiply(file, where, elements, d);
        }
        long bytes = multiply(file, where, elements, dtype.size);
        if (bytes != end - begin) {
            throw error(file, where + " of " + dtype + " shape " + java.util.Arrays.toString(shape) + " needs " + bytes
                    + " bytes, but its data_offsets span " + (end - begin));
        }
        return new SafetensorsTensor(tensor, dtype, shape, data.asSlice(begin, end - begin));
    }

    private static long multiply(String file, String where, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw error(file, where + " has a shape too large to address");
        }
    }

    /** Non-negative integers; {@code length} -1 for any length. */
    private static long[] longs(String file, String where, JsonNode node, String key, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw error(file, where + " has no " + key + (length >= 0 ? " array of " + length + " integers" : " array"));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw error(file, where + " has " + key + " entry '" + v + "' that is not a non-negative integer");
            }
            out[i] = v.asLong();
        }
        return out;
    }

    private static void checkNoOverlap(String file, java.util.Collection<SafetensorsTensor> tensors, MemorySegment data) {
        List<SafetensorsTensor> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(t -> t.data().address() - data.address()));
        for (int i = 1; i < byOffset.size(); i++) {
            SafetensorsTensor previous = byOffset.get(i - 1);
            SafetensorsTensor current = byOffset.get(i);
            long previousEnd = previous.data().address() + previous.data().byteSize();
            if (current.data().address() < previousEnd && current.data().byteSize() > 0) {
                throw error(file, "tensors " + previous.name() + " and " + current.name() + " overlap");
            }
        }
    }

    private static SafetensorsFormatException error(String file, String problem) {
        return new SafetensorsFormatException("safetensors file " + file + " " + problem);
    }

    /** Tensors by name, in header order. */
    public Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} (e.g. {@code format: pt}); empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Unmaps the file; tensors handed out become unusable. */
    @Override
    public void close() {
        arena.close();
    }
}
