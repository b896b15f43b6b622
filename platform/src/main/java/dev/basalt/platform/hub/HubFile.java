package dev.basalt.platform.hub;

/**
 * One file of a hub repository, as the hub's model API lists it.
 *
 * @param name   path inside the repository ({@code rfilename}), e.g. {@code model-Q8_0.gguf}
 * @param size   size in bytes
 * @param sha256 lowercase hex SHA-256 of the content for files stored in Git LFS (every weight file), null for
 *               small files kept in Git, which the download then checks by size only
 */
public record HubFile(String name, long size, String sha256) {
    public HubFile {
        if (size < 0) {
            throw new IllegalArgumentException("size: must not be negative, got " + size);
        }
    }
}
