package dev.basalt.platform.hub;

import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.errors.DependencyFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one hub file to its final path safely: the bytes stream into {@code FILE.part}; an interrupted
 * download (broken connection, Ctrl-C, a crash) resumes from the end of the {@code .part} with {@code Range}
 * requests; the content is checked against the hub's size and SHA-256 before an atomic rename gives it its
 * final name. So the final path either does not exist or holds the verified file, and a file already there
 * with the right size and hash is not fetched again.
 */
public final class Downloader {
    /** Told the bytes done (resumed bytes included) and the file's size as the download advances. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);
    }

    /**
     * @param path           the verified file
     * @param size           its size in bytes
     * @param transferred    bytes received over the network by this call (0 when it was already present)
     * @param alreadyPresent whether the file was there, verified, before the call
     */
    public record Result(Path path, long size, long transferred, boolean alreadyPresent) {}

    /** Connection breaks tolerated in one call; each one resumes where the last stopped. */
    private static final int ATTEMPTS = 5;
    private static final int BUFFER = 1 << 20;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final HubClient hub;
    private final Duration stallTimeout;

    /**
     * @param stallTimeout how long the body may send nothing before the connection counts as broken (a silent
     *                     server must not hang the pull)
     */
    public Downloader(HubClient hub, Duration stallTimeout) {
        this.hub = hub;
        this.stallTimeout = stallTimeout;
    }

    public Downloader(HubClient hub) {
        this(hub, Duration.ofSeconds(60));
    }

    public Result download(HubRepoRef ref, HubFile file, Path target, Progress progress) throws IOException {
        if (Files.isRegularFile(target) && Files.size(target) == file.size()
                && (file.sha256() == null || file.sha256().equals(sha256(target)))) {
            progress.update(file.size(), file.size());
            return new Result(target, file.size(), 0, true);
        }
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = lock(channel, part)) {
            MessageDigest digest = newSha256();
            long done = channel.size();
            if (done > file.size()) {
                channel.truncate(0);
                done = 0;
            }
            hashPrefix(channel, done, digest);
            long transferred = 0;
            String lastFailure = null;
            for (int attempt = 1; done < file.size(); attempt++) {
                if (attempt > ATTEMPTS) {
                    throw new DependencyFailedException("the download of " + file.name() + " from " + ref.id() + " broke off "
                            + ATTEMPTS + " times, last after " + done + " of " + file.size() + " bytes (" + lastFailure
                            + "); " + part + " is kept: run the command again to resume");
                }
                progress.update(done, file.size());
                HttpResponse<InputStream> response = hub.download(ref, file.name(), done);
                long from = startOf(response, done, file);
                if (from != done) { // the hub sends the whole file (or refused the range): start over
                    channel.truncate(0);
                    digest.reset();
                    done = 0;
                    if (response.statusCode() == 416) {
                        response.body().close();
                        continue;
                    }
                }
                Copy copy = copy(response.body(), channel, part, digest, done, file, progress);
                transferred += copy.done() - done;
                done = copy.done();
                lastFailure = copy.failure();
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (file.sha256() != null && !file.sha256().equals(actual)) {
                channel.truncate(0);
                Files.delete(part);
                throw new DependencyFailedException("checksum mismatch for " + file.name() + " from " + ref.id()
                        + ": expected sha256 " + file.sha256() + ", got " + actual
                        + "; the download was deleted, run the command again to fetch it anew");
            }
            channel.force(true);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Result(target, file.size(), transferred, false);
        }
    }

    /** Where the response's body starts in the file; checks that it is the file the listing described. */
    private static long startOf(HttpResponse<InputStream> response, long asked, HubFile file) throws IOException {
        return switch (response.statusCode()) {
            case 206 -> {
                String header = response.headers().firstValue("Content-Range").orElse("");
                Matcher m = CONTENT_RANGE.matcher(header);
                if (!m.matches() || Long.parseLong(m.group(1)) != asked
                        || (!m.group(3).equals("*") && Long.parseLong(m.group(3)) != file.size())) {
                    response.body().close();
                    throw new DependencyFailedException("the hub answered the range request for " + file.name() + " from byte "
                            + asked + " of " + file.size() + " with Content-Range '" + header + "'");
                }
                yield asked;
            }
            case 416 -> -1;
            default -> {
                long length = response.headers().firstValueAsLong("Content-Length").orElse(file.size());
                if (length != file.size()) {
                    response.body().close();
                    throw new DependencyFailedException("the hub lists " + file.name() + " with " + file.size()
                            + " bytes but sends " + length + "; the repository may have changed, try again");
                }
                yield 0;
            }
        };
    }

    /** Where a copy stopped, and why when the connection broke before the end ({@code failure} null otherwise). */
    private record Copy(long done, String failure) {}

    /**
     * Appends the body to the file from {@code done} on. A broken or silent connection ends the copy (the caller
     * resumes); a local write failure (disk full) throws, naming the file.
     */
    private Copy copy(InputStream body, FileChannel channel, Path part, MessageDigest digest, long done, HubFile file,
            Progress progress) throws IOException {
        byte[] buffer = new byte[BUFFER];
        Watchdog watchdog = new Watchdog(body, stallTimeout);
        try (body; watchdog) {
            channel.position(done);
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    return new Copy(done, watchdog.fired() ? "no data for " + stallTimeout.toSeconds() + "s" : describe(e));
                }
                if (n < 0) {
                    return new Copy(done, done < file.size() ? "the connection closed early" : null);
                }
                if (done + n > file.size()) {
                    throw new DependencyFailedException("the hub sent more than the " + file.size() + " bytes it lists for " + file.name());
                }
                write(channel, part, buffer, n);
                digest.update(buffer, 0, n);
                done += n;
                watchdog.alive();
                progress.update(done, file.size());
            }
        }
    }

    private static void write(FileChannel channel, Path part, byte[] buffer, int n) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + part + ": " + e.getMessage(), e);
        }
    }

    private static FileLock lock(FileChannel channel, Path part) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new ConflictException("another pull is writing " + part + "; wait for it to finish");
        }
        return lock;
    }

    /** The lowercase hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            hashPrefix(channel, channel.size(), digest);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void hashPrefix(FileChannel channel, long length, MessageDigest digest) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        for (long position = 0; position < length; ) {
            buffer.clear().limit((int) Math.min(BUFFER, length - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("file shrank while being hashed");
            }
            digest.update(buffer.flip());
            position += n;
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Closes the body when it has been silent for too long, which ends a read that would otherwise block for ever. */
    private static final class Watchdog implements AutoCloseable {
        private final Thread thread;
        private volatile long lastData = System.nanoTime();
        private volatile boolean fired;

        Watchdog(InputStream body, Duration timeout) {
            long limit = timeout.toNanos();
            long tick = Math.max(10, timeout.toMillis() / 4);
            thread = Thread.ofVirtual().name("hub-download-watchdog").start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(tick);
                        if (System.nanoTime() - lastData > limit) {
                            fired = true;
                            body.close();
                            return;
                        }
                    }
                } catch (InterruptedException | IOException stopped) {
                    // the copy ended, or closing failed: nothing left to watch either way
                }
            });
        }

        void alive() {
            lastData = System.nanoTime();
        }

        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
