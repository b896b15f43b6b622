package dev.basalt.platform.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes an endless blob: after the first megabyte has gone to disk it prints {@link #MIDWAY} and then
 * blocks, so that the test can kill the process in the middle of a write.
 */
public final class BlobWriterProcess {
    static final String MIDWAY = "midway";

    public static void main(String[] args) throws IOException {
        new FileSystemBlobStore(Path.of(args[0])).put(args[1], new InputStream() {
            private int chunks;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (chunks++ == 16) { // 16 × 64 KiB have been handed to the writer
                    System.out.println(MIDWAY);
                    System.out.flush();
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        });
    }
}
