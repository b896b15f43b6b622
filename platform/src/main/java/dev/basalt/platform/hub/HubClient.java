package dev.basalt.platform.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.platform.errors.AccessDeniedException;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Hugging Face hub's HTTP API, as far as pulling a model needs it: the file list of a repository
 * ({@code GET /api/models/ORG/REPO?blobs=true}) and a file's content ({@code GET /ORG/REPO/resolve/main/FILE}).
 * Hub failures become the platform's exceptions with a message that says what to do: unreachable hub,
 * 401/403 (private or gated: set {@code HF_TOKEN}), 404.
 */
public final class HubClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration API_TIMEOUT = Duration.ofSeconds(60);
    /** How long a download may take to answer with its headers (the body then streams as long as it takes). */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(120);
    private static final int MAX_REDIRECTS = 10;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI hub;
    private final String token;
    private final HttpClient http;

    /**
     * @param hub   the hub's base URL: the public hub (https://huggingface.co) or a mirror
     * @param token an access token ({@code HF_TOKEN}) sent as a bearer token to the hub, or null
     */
    public HubClient(URI hub, String token) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.token = token == null || token.isBlank() ? null : token.strip();
        // Redirects are followed by hand: the hub sends downloads to a CDN, which must not see the token.
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI hub() {
        return hub;
    }

    /** The repository's files with size and, for LFS files, SHA-256. */
    public List<HubFile> files(HubRepoRef ref) {
        HttpResponse<InputStream> response = get(url("/api/models/" + ref.id() + "?blobs=true"), -1, API_TIMEOUT,
                "model repository " + ref.id());
        JsonNode root;
        try (InputStream body = response.body()) {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new DependencyFailedException("cannot read the hub's file list of " + ref.id() + ": " + e.getMessage(), e);
        }
        JsonNode siblings = root == null ? null : root.get("siblings");
        if (siblings == null || !siblings.isArray()) {
            throw new DependencyFailedException("the hub at " + hub + " answered for " + ref.id() + " without a file list ('siblings')");
        }
        List<HubFile> files = new ArrayList<>();
        for (JsonNode sibling : siblings) {
            String name = sibling.path("rfilename").asText(null);
            JsonNode lfs = sibling.path("lfs");
            JsonNode size = sibling.has("size") ? sibling.get("size") : lfs.get("size");
            if (name == null || size == null || !size.canConvertToLong()) {
                throw new DependencyFailedException("the hub's file list of " + ref.id()
                        + " lacks a name or size (is it a Hugging Face hub?): " + sibling);
            }
            String sha256 = lfs.path("sha256").asText(null);
            files.add(new HubFile(name, size.asLong(), sha256 == null ? null : sha256.toLowerCase(java.util.Locale.ROOT)));
        }
        return files;
    }

    /**
     * Opens a file's content from byte {@code from} on ({@code Range: bytes=from-} when positive). The answer is
     * 200 (whole file: the server ignored the range), 206 (the asked range) or 416 (range not satisfiable);
     * anything else throws. The caller closes the body.
     */
    public HttpResponse<InputStream> download(HubRepoRef ref, String file, long from) {
        StringBuilder path = new StringBuilder("/").append(ref.id()).append("/resolve/main");
        for (String segment : file.split("/")) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return get(url(path.toString()), from, RESPONSE_TIMEOUT, "file " + file + " in " + ref.id());
    }

    private URI url(String path) {
        String base = hub.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** GET following redirects; the token goes only to the hub's own host, the range to every hop. */
    private HttpResponse<InputStream> get(URI uri, long from, Duration timeout, String what) {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(timeout).GET()
                    .header("User-Agent", "basalt");
            if (token != null && sameOrigin(current, hub)) {
                request.header("Authorization", "Bearer " + token);
            }
            if (from > 0) {
                request.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<InputStream> response = send(request.build(), current);
            int status = response.statusCode();
            if (status == 200 || status == 206 || (status == 416 && from > 0)) {
                return response;
            }
            String location = response.headers().firstValue("Location").orElse(null);
            if (REDIRECTS.contains(status) && location != null) {
                closeQuietly(response);
                current = current.resolve(location);
                continue;
            }
            throw failure(status, errorText(response), what);
        }
        throw new DependencyFailedException("the hub at " + hub + " redirected " + what + " more than " + MAX_REDIRECTS + " times");
    }

    private HttpResponse<InputStream> send(HttpRequest request, URI uri) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            String where = sameOrigin(uri, hub) ? "the hub at " + hub : uri.getScheme() + "://" + uri.getAuthority()
                    + " (where the hub at " + hub + " sent the download)";
            throw new DependencyFailedException("cannot reach " + where + ": " + reason(e, uri), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DependencyFailedException("interrupted while waiting for the hub at " + hub, e);
        }
    }

    private RuntimeException failure(int status, String detail, String what) {
        String suffix = detail.isEmpty() ? "" : " (hub says: " + detail + ")";
        return switch (status) {
            case 401 -> new AccessDeniedException("the hub at " + hub + " answered 401 Unauthorized for " + what
                    + ": it does not exist, or it is private or gated; check the name, or set HF_TOKEN to an access token that may read it"
                    + (token == null ? "" : " (HF_TOKEN is set but was not accepted)") + suffix);
            case 403 -> new AccessDeniedException("the hub at " + hub + " refused access to " + what
                    + " (403 Forbidden): the model is gated; accept its conditions on the model page and set HF_TOKEN to an access token of that account"
                    + suffix);
            case 404 -> new NotFoundException("no " + what + " on the hub at " + hub + " (404 Not Found)" + suffix);
            default -> new DependencyFailedException("the hub at " + hub + " answered HTTP " + status + " for " + what + suffix);
        };
    }

    /** The hub's own words from an error body ({@code {"error": "..."}}), shortened; empty when there are none. */
    private static String errorText(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            String text = new String(body.readNBytes(2048), StandardCharsets.UTF_8).strip();
            try {
                JsonNode error = JSON.readTree(text).get("error");
                if (error != null && error.isTextual()) {
                    text = error.asText();
                }
            } catch (IOException notJson) {
                // plain text or HTML: shown as it is, shortened below
            }
            text = text.replaceAll("\\s+", " ");
            return text.length() > 200 ? text.substring(0, 200) + "…" : text;
        } catch (IOException e) {
            return "";
        }
    }

    private static String reason(IOException e, URI uri) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host " + uri.getHost() + " (offline, or a DNS failure?)";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "connection timed out";
            }
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && a.getPort() == b.getPort();
    }

    private static void closeQuietly(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // a redirect's body is of no interest
        }
    }
}
