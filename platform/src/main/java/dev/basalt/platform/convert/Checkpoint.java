package dev.basalt.platform.convert;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face folder: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json}'s {@code weight_map} names, seen as one map of tensors.
 */
final class Checkpoint implements AutoCloseable {
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private final List<SafetensorsFile> files = new ArrayList<>();
    private final Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();

    Checkpoint(Path folder) throws IOException {
        try {
            for (String shard : shardNames(folder)) {
                Path path = folder.resolve(shard);
                if (!path.normalize().startsWith(folder.normalize()) || !Files.isRegularFile(path)) {
                    throw new ModelConversionException(INDEX + " names shard " + shard + ", which is not in " + folder);
                }
                SafetensorsFile file = SafetensorsFile.open(path);
                files.add(file);
                for (SafetensorsTensor t : file.tensors().values()) {
                    if (tensors.putIfAbsent(t.name(), t) != null) {
                        throw new ModelConversionException("tensor " + t.name() + " is stored in more than one shard");
                    }
                }
            }
        } catch (RuntimeException | IOException e) {
            close();
            throw e;
        }
    }

    private static Set<String> shardNames(Path folder) throws IOException {
        if (Files.isRegularFile(folder.resolve(INDEX))) {
            JsonNode weightMap = HfJson.require(folder, INDEX).get("weight_map");
            if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
                throw new ModelConversionException(INDEX + " has no weight_map object");
            }
            Set<String> shards = new LinkedHashSet<>();
            weightMap.forEach(v -> shards.add(v.asText()));
            return shards;
        }
        if (Files.isRegularFile(folder.resolve(SINGLE))) {
            return Set.of(SINGLE);
        }
        throw new ModelConversionException("folder " + folder + " has neither " + SINGLE + " nor " + INDEX
                + " (only safetensors weights can be converted, not PyTorch .bin files)");
    }

    Map<String, SafetensorsTensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
