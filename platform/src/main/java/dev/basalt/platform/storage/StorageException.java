package dev.basalt.platform.storage;

/** The store failed (disk full, database locked too long, corrupt file): a server-side fault, not bad input. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
