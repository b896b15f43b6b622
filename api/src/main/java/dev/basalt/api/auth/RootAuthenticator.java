package dev.basalt.api.auth;

import dev.basalt.api.server.Protocol;
import dev.basalt.api.server.RequestAuthenticator;
import dev.basalt.platform.errors.AuthenticationException;
import dev.basalt.platform.errors.AuthenticationException.Reason;
import dev.basalt.platform.security.RootCredentials;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Authenticates requests as the root identity. Bedrock paths take SigV4 (service {@code bedrock}, any region)
 * or a Bedrock API key ({@code Authorization: Bearer <key>}, what the AWS SDKs send when
 * {@code AWS_BEARER_TOKEN_BEDROCK} is set); OpenAI paths take the same key as a bearer token.
 */
public final class RootAuthenticator implements RequestAuthenticator {
    static final String SIGNING_NAME = "bedrock";
    private static final String BEARER = "Bearer ";

    private final byte[] apiKey;
    private final SigV4Verifier sigV4;

    public RootAuthenticator(RootCredentials credentials, Clock clock) {
        this.apiKey = credentials.apiKey().getBytes(StandardCharsets.UTF_8);
        this.sigV4 = new SigV4Verifier(SIGNING_NAME, clock,
                id -> id.equals(credentials.accessKeyId()) ? credentials.secretAccessKey() : null);
    }

    @Override
    public void authenticate(Context ctx) {
        boolean openAi = Protocol.of(ctx.path()) == Protocol.OPENAI;
        String authorization = ctx.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw new AuthenticationException(Reason.MISSING, openAi
                    ? "You didn't provide an API key. You need to provide your API key in an Authorization header "
                      + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                    : "Missing Authentication Token");
        }
        if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            checkApiKey(authorization.substring(BEARER.length()).strip(), openAi);
        } else if (!openAi && authorization.startsWith(SigV4.ALGORITHM)) {
            sigV4.verify(signedRequest(ctx));
        } else {
            throw new AuthenticationException(Reason.MALFORMED, openAi
                    ? "Invalid Authorization header: use Authorization: Bearer YOUR_KEY."
                    : "Authorization header must be 'AWS4-HMAC-SHA256 ...' or 'Bearer <API key>'.");
        }
    }

    private void checkApiKey(String presented, boolean openAi) {
        if (!MessageDigest.isEqual(apiKey, presented.getBytes(StandardCharsets.UTF_8))) {
            // Never echo the presented key back: it may be a real secret sent to the wrong server.
            throw new AuthenticationException(Reason.UNKNOWN_KEY, openAi
                    ? "Incorrect API key provided."
                    : "The security token included in the request is invalid.");
        }
    }

    /** The request as the client signed it: the raw (still encoded) path and query, every header value. */
    private static SignedRequest signedRequest(Context ctx) {
        HttpServletRequest req = ctx.req();
        Map<String, List<String>> headers = new TreeMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .addAll(Collections.list(req.getHeaders(name)));
        }
        // HTTP/2 carries the host as the :authority pseudo-header, which the servlet API does not list; clients
        // sign it as Host (Java SDK) or as :authority (JavaScript SDK), so both names get its value.
        List<String> authority = List.of(URI.create(req.getRequestURL().toString()).getRawAuthority());
        headers.computeIfAbsent("host", k -> authority);
        headers.putIfAbsent(":authority", authority);
        return new SignedRequest(req.getMethod(), req.getRequestURI(), req.getQueryString(), headers, ctx::bodyAsBytes);
    }
}
