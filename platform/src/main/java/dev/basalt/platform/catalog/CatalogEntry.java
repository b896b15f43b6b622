package dev.basalt.platform.catalog;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A model in the persistent catalog.
 *
 * @param hubRef        for {@link ModelSource#HUB}, the reference it was pulled by ({@code hf.co/ORG/REPO[:QUANT]}); else null
 * @param contextLength the model's own context length (from the GGUF), before any serving cap
 * @param sha256        of the file at import, hex
 */
public record CatalogEntry(String id, String name, ModelSource source, String hubRef, Path path, long sizeBytes,
                           String sha256, String architecture, int contextLength, Instant createdAt) {}
