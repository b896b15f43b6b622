package dev.basalt.api.auth;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What SigV4 verification needs from an HTTP request, independent of the server: the path and query as sent
 * over the wire (still percent-encoded), headers by lowercase name, and the body, read only if needed.
 */
public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                            Supplier<byte[]> body) {

    /** The first value of a header, or null. */
    public String header(String lowercaseName) {
        List<String> values = headers.get(lowercaseName);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
