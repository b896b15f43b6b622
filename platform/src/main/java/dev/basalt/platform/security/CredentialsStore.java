package dev.basalt.platform.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The root credentials: from {@code BASALT_ACCESS_KEY_ID} / {@code BASALT_SECRET_ACCESS_KEY} /
 * {@code BASALT_API_KEY} when set, otherwise from {@code DIR/credentials}, which the first start fills with
 * strong random values (owner-only, mode 600). The file uses the AWS shared-credentials format, so
 * {@code AWS_SHARED_CREDENTIALS_FILE=DIR/credentials} makes the AWS CLI and SDKs use it as is.
 */
public final class CredentialsStore {
    public static final String FILE_NAME = "credentials";
    static final String ACCESS_KEY_ID = "aws_access_key_id";
    static final String SECRET_ACCESS_KEY = "aws_secret_access_key";
    static final String API_KEY = "basalt_api_key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the credentials came from. */
    public enum Source { ENVIRONMENT, FILE, GENERATED }

    /**
     * @param credentials the effective credentials
     * @param file        the credentials file (also when every value came from the environment)
     * @param source      how the access key pair was obtained
     */
    public record Loaded(RootCredentials credentials, Path file, Source source) {}

    private CredentialsStore() {}

    /** Loads the credentials, generating and storing any value that is neither in the environment nor on file. */
    public static Loaded loadOrCreate(Path dataDir, Map<String, String> env) {
        Path file = dataDir.resolve(FILE_NAME);
        String envKeyId = blankToNull(env.get("BASALT_ACCESS_KEY_ID"));
        String envSecret = blankToNull(env.get("BASALT_SECRET_ACCESS_KEY"));
        String envApiKey = blankToNull(env.get("BASALT_API_KEY"));
        if ((envKeyId == null) != (envSecret == null)) {
            throw new IllegalArgumentException("set both BASALT_ACCESS_KEY_ID and BASALT_SECRET_ACCESS_KEY, or neither");
        }
        if (envKeyId != null && envApiKey != null) {
            return new Loaded(new RootCredentials(envKeyId, envSecret, envApiKey), file, Source.ENVIRONMENT);
        }

        Map<String, String> stored = Files.exists(file) ? read(file) : new LinkedHashMap<>();
        boolean generated = false;
        if (!stored.containsKey(ACCESS_KEY_ID) || !stored.containsKey(SECRET_ACCESS_KEY)) {
            stored.put(ACCESS_KEY_ID, "BSLT" + randomBase32(16));
            stored.put(SECRET_ACCESS_KEY, randomBase64(30));
            generated = true;
        }
        if (!stored.containsKey(API_KEY)) {
            stored.put(API_KEY, "bsk-" + randomBase64(32));
            generated = true;
        }
        if (generated) {
            write(file, stored);
        }
        RootCredentials credentials = new RootCredentials(
                envKeyId != null ? envKeyId : stored.get(ACCESS_KEY_ID),
                envSecret != null ? envSecret : stored.get(SECRET_ACCESS_KEY),
                envApiKey != null ? envApiKey : stored.get(API_KEY));
        Source source = envKeyId != null ? Source.ENVIRONMENT : generated ? Source.GENERATED : Source.FILE;
        return new Loaded(credentials, file, source);
    }

    /** The credentials a start would use, without generating or writing anything (for {@code --print-config}). */
    public static String describe(Path dataDir, Map<String, String> env) {
        Path file = dataDir.resolve(FILE_NAME);
        if (env.get("BASALT_ACCESS_KEY_ID") != null) {
            return "environment (BASALT_ACCESS_KEY_ID=" + env.get("BASALT_ACCESS_KEY_ID") + ")";
        }
        if (Files.exists(file)) {
            return file + " (accessKeyId=" + read(file).get(ACCESS_KEY_ID) + ")";
        }
        return file + " (generated on first start)";
    }

    /**
     * The API key a client on this machine uses to reach the server of {@code dataDir}: {@code BASALT_API_KEY}, else
     * the one on file; empty when neither exists. Nothing is generated or written (a client must not do that).
     */
    public static Optional<String> apiKey(Path dataDir, Map<String, String> env) {
        String fromEnv = blankToNull(env.get("BASALT_API_KEY"));
        if (fromEnv != null) {
            return Optional.of(fromEnv);
        }
        Path file = dataDir.resolve(FILE_NAME);
        return Files.exists(file) ? Optional.ofNullable(read(file).get(API_KEY)) : Optional.empty();
    }

    private static Map<String, String> read(Path file) {
        try {
            warnIfReadableByOthers(file);
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.strip().startsWith("#") && !line.strip().startsWith("[")) {
                    values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read credentials file " + file, e);
        }
    }

    private static void warnIfReadableByOthers(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
            org.slf4j.LoggerFactory.getLogger(CredentialsStore.class)
                    .warn("{} is readable by other users; run: chmod 600 {}", file, file);
        }
    }

    /** Writes the file owner-only from its first byte (never world-readable, even briefly), atomically. */
    private static void write(Path file, Map<String, String> values) {
        StringBuilder text = new StringBuilder("# Basalt root credentials (AWS shared-credentials format). Keep secret.\n[default]\n");
        values.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.UTF_8.encode(text.toString()));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write credentials file " + file, e);
        }
    }

    private static String randomBase32(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static String randomBase64(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
