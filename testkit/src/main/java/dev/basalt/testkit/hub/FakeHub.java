package dev.basalt.testkit.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face hub on a free loopback port, for tests of model pulls without the network. It serves
 * {@code GET /api/models/ORG/REPO?blobs=true} (the file list with sizes and LFS SHA-256) and
 * {@code GET /ORG/REPO/resolve/main/FILE}, which redirects, as the real hub does, to a "CDN" on another host name
 * ({@code localhost} instead of {@code 127.0.0.1}) that honours {@code Range}. Faults on demand: a required token
 * (401 without it), a connection dropped or gone silent after N bytes, wrong bytes, ranges ignored. It records
 * the download requests and counts the body bytes it sent.
 */
public final class FakeHub implements AutoCloseable {
    /** One request for file content: where it went, the Range and Authorization headers it carried (or null). */
    public record Download(String host, String path, String range, String authorization) {}

    private record HostedFile(byte[] content, String sha256) {}

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Map<String, HostedFile>> repos = new ConcurrentHashMap<>();
    private final Map<String, Long> dropAfter = new ConcurrentHashMap<>();
    private final Map<String, Long> stallAfter = new ConcurrentHashMap<>();
    private final Map<String, Boolean> corrupt = new ConcurrentHashMap<>();
    private final List<Download> downloads = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesServed = new AtomicLong();
    private volatile String requiredToken;
    private volatile boolean ignoreRange;

    private FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeHub start() {
        try {
            return new FakeHub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hub's base URL ({@code http://127.0.0.1:PORT}). */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds an LFS file (listed with its SHA-256) to repository {@code repoId} ({@code ORG/REPO}). */
    public FakeHub file(String repoId, String name, byte[] content) {
        repos.computeIfAbsent(repoId, k -> new ConcurrentHashMap<>()).put(name, new HostedFile(content.clone(), sha256(content)));
        return this;
    }

    public FakeHub file(String repoId, String name, Path content) {
        try {
            return file(repoId, name, Files.readAllBytes(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Without {@code Authorization: Bearer TOKEN}, the API and resolve URLs answer 401 (the CDN does not check). */
    public void requireToken(String token) {
        requiredToken = token;
    }

    /** The next download of {@code name} sends {@code bytes} body bytes, then drops the connection. */
    public void dropAfter(String name, long bytes) {
        dropAfter.put(name, bytes);
    }

    /** The next download of {@code name} sends {@code bytes} body bytes, then sends nothing until the client leaves. */
    public void stallAfter(String name, long bytes) {
        stallAfter.put(name, bytes);
    }

    /** Downloads of {@code name} serve its content with one byte changed; the listing keeps the true SHA-256. */
    public void corrupt(String name) {
        corrupt.put(name, true);
    }

    /** The CDN answers every request with the whole file (200), as servers without range support do. */
    public void ignoreRange(boolean ignore) {
        ignoreRange = ignore;
    }

    /** Requests for file content that reached the CDN, in order. */
    public List<Download> downloads() {
        return List.copyOf(downloads);
    }

    /** File-content bytes sent so far. */
    public long bytesServed() {
        return bytesServed.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/cdn/")) {
                serveContent(exchange, path.substring("/cdn/".length()));
                return;
            }
            String token = requiredToken;
            if (token != null && !("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                json(exchange, 401, "{\"error\":\"Invalid username or password.\"}");
                return;
            }
            if (path.startsWith("/api/models/")) {
                Map<String, HostedFile> files = repos.get(path.substring("/api/models/".length()));
                if (files == null) {
                    json(exchange, 404, "{\"error\":\"Repository not found\"}");
                } else {
                    json(exchange, 200, listing(path.substring("/api/models/".length()), files));
                }
                return;
            }
            String[] parts = path.substring(1).split("/resolve/main/", 2);
            if (parts.length == 2 && file(parts[0], parts[1]) != null) {
                // like the hub: LFS content lives on a CDN host, reached by a redirect
                exchange.getResponseHeaders().add("Location", "http://localhost:" + server.getAddress().getPort()
                        + "/cdn/" + parts[0] + "/" + parts[1]);
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            json(exchange, 404, "{\"error\":\"Entry not found\"}");
        }
    }

    private HostedFile file(String repoId, String name) {
        Map<String, HostedFile> files = repos.get(repoId);
        return files == null ? null : files.get(name);
    }

    private void serveContent(HttpExchange exchange, String repoAndName) throws IOException {
        String[] p = repoAndName.split("/", 3);
        String name = p.length == 3 ? p[2] : "";
        HostedFile file = p.length == 3 ? file(p[0] + "/" + p[1], name) : null;
        String range = exchange.getRequestHeaders().getFirst("Range");
        downloads.add(new Download(exchange.getRequestHeaders().getFirst("Host"), exchange.getRequestURI().getPath(),
                range, exchange.getRequestHeaders().getFirst("Authorization")));
        if (file == null) {
            json(exchange, 404, "{\"error\":\"Entry not found\"}");
            return;
        }
        byte[] content = file.content();
        if (corrupt.containsKey(name)) {
            content = content.clone();
            content[content.length / 2] ^= 0x5a;
        }
        int start = 0;
        Matcher m = range == null || ignoreRange ? null : RANGE.matcher(range);
        if (m != null && m.matches()) {
            long from = Long.parseLong(m.group(1));
            if (from >= content.length) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            start = (int) from;
            exchange.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
            exchange.sendResponseHeaders(206, content.length - start);
        } else {
            exchange.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
        }
        Long drop = dropAfter.remove(name);
        Long stall = stallAfter.remove(name);
        int end = content.length;
        if (drop != null || stall != null) {
            end = (int) Math.min(content.length, start + (drop != null ? drop : stall));
        }
        OutputStream body = exchange.getResponseBody();
        for (int i = start; i < end; i += 8192) {
            int n = Math.min(8192, end - i);
            body.write(content, i, n);
            bytesServed.addAndGet(n);
        }
        body.flush();
        if (stall != null) {
            try {
                Thread.sleep(30_000); // until the client gives up and the hub is closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // For a drop, closing the exchange with bytes missing makes the server close the connection.
    }

    private static String listing(String repoId, Map<String, HostedFile> files) {
        StringBuilder json = new StringBuilder("{\"id\":").append(quote(repoId)).append(",\"siblings\":[");
        String sep = "";
        for (Map.Entry<String, HostedFile> e : new java.util.TreeMap<>(files).entrySet()) {
            long size = e.getValue().content().length;
            json.append(sep).append("{\"rfilename\":").append(quote(e.getKey())).append(",\"size\":").append(size)
                    .append(",\"blobId\":\"0\",\"lfs\":{\"sha256\":\"").append(e.getValue().sha256())
                    .append("\",\"size\":").append(size).append(",\"pointerSize\":134}}");
            sep = ",";
        }
        return json.append("]}").toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Lowercase hex SHA-256, as the hub lists it. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
