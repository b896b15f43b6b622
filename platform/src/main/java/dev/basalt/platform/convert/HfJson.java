package dev.basalt.platform.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the JSON files of a Hugging Face folder, with errors that name the file. */
final class HfJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfJson() {}

    /** The file's top-level object. */
    static JsonNode require(Path folder, String file) throws IOException {
        return optional(folder, file).orElseThrow(() -> new ModelConversionException(
                "folder " + folder + " has no " + file + "; a Hugging Face model folder needs config.json,"
                        + " tokenizer.json and its *.safetensors weights"));
    }

    static Optional<JsonNode> optional(Path folder, String file) throws IOException {
        Path path = folder.resolve(file);
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(path.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelConversionException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ModelConversionException(file + " is not a JSON object");
        }
        return Optional.of(node);
    }
}
