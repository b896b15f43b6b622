package dev.basalt.api.auth;

import dev.basalt.platform.errors.AuthenticationException;
import dev.basalt.platform.errors.AuthenticationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Verifies {@code Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...} the way
 * AWS does: rebuilds the canonical request from the request as received, checks the credential scope, the
 * signing time (within {@link #MAX_SKEW} of the server's clock) and the signature (constant-time compare).
 */
public final class SigV4Verifier {
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final String BAD_SIGNATURE = "The request signature we calculated does not match the signature "
            + "you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation "
            + "for details.";

    private final String service;
    private final Clock clock;
    private final Function<String, String> secretForAccessKey;

    /**
     * @param service            the signing name the credential scope must carry (e.g. {@code bedrock})
     * @param secretForAccessKey the secret access key of an access key id, or null for an unknown one
     */
    public SigV4Verifier(String service, Clock clock, Function<String, String> secretForAccessKey) {
        this.service = service;
        this.clock = clock;
        this.secretForAccessKey = secretForAccessKey;
    }

    /** Returns when the request is signed by a known key; throws {@link AuthenticationException} otherwise. */
    public void verify(SignedRequest request) {
        Authorization auth = Authorization.parse(request.header("authorization"));
        // The JavaScript SDK v3 over HTTP/2 signs the :authority pseudo-header in place of Host; AWS accepts either.
        if (!auth.signedHeaders.contains("host") && !auth.signedHeaders.contains(":authority")) {
            throw malformed("'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String amzDate = signingTime(request, auth);
        if (!amzDate.startsWith(auth.date)) {
            throw new AuthenticationException(Reason.BAD_SIGNATURE, "Credential should be scoped to a valid date "
                    + "matching the request date " + amzDate.substring(0, 8) + ", not " + auth.date + ".");
        }
        if (!auth.service.equals(service)) {
            throw new AuthenticationException(Reason.BAD_SIGNATURE, "Credential should be scoped to correct service: '"
                    + service + "'.");
        }
        String secret = secretForAccessKey.apply(auth.accessKeyId);
        if (secret == null) {
            throw new AuthenticationException(Reason.UNKNOWN_KEY, "The security token included in the request is invalid.");
        }
        String canonical;
        try {
            canonical = SigV4.canonicalRequest(request.method(), request.rawPath(), request.rawQuery(),
                    auth.signedHeaders, request.headers(), payloadHash(request));
        } catch (IllegalArgumentException e) { // a query string no client could have signed
            throw malformed(e.getMessage());
        }
        String expected = SigV4.signature(secret, auth.date, auth.region, auth.service,
                SigV4.stringToSign(amzDate, auth.scope(), canonical));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature.getBytes(StandardCharsets.US_ASCII))) {
            throw new AuthenticationException(Reason.BAD_SIGNATURE, BAD_SIGNATURE);
        }
    }

    /**
     * The signing time in {@code x-amz-date} form, from {@code x-amz-date} or else {@code Date}; it must be
     * signed (or a captured request could be replayed with a fresh date) and close to the server's clock.
     */
    private String signingTime(SignedRequest request, Authorization auth) {
        String amzDate = request.header("x-amz-date");
        String dateHeader = amzDate != null ? "x-amz-date" : "date";
        Instant time;
        try {
            if (amzDate != null) {
                time = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
            } else if (request.header("date") != null) {
                time = DateTimeFormatter.RFC_1123_DATE_TIME.parse(request.header("date"), Instant::from);
            } else {
                throw malformed("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
            }
        } catch (DateTimeParseException e) {
            throw malformed("The " + dateHeader + " header is not a valid date: " + request.header(dateHeader));
        }
        if (!auth.signedHeaders.contains(dateHeader)) {
            throw malformed("'" + dateHeader + "' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String formatted = AMZ_DATE.format(time.atOffset(ZoneOffset.UTC));
        Instant now = clock.instant();
        String nowText = AMZ_DATE.format(now.atOffset(ZoneOffset.UTC));
        if (time.isBefore(now.minus(MAX_SKEW))) {
            throw new AuthenticationException(Reason.EXPIRED, "Signature expired: " + formatted + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW).atOffset(ZoneOffset.UTC)) + " (" + nowText + " - 5 min.)");
        }
        if (time.isAfter(now.plus(MAX_SKEW))) {
            throw new AuthenticationException(Reason.EXPIRED, "Signature not yet current: " + formatted
                    + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW).atOffset(ZoneOffset.UTC))
                    + " (" + nowText + " + 5 min.)");
        }
        return formatted;
    }

    /**
     * The payload hash the client signed: {@code x-amz-content-sha256} when sent, else the body's SHA-256.
     * A sent hash is checked against the body, since only the header (not the body) is covered by the signature.
     */
    private static String payloadHash(SignedRequest request) {
        String declared = request.header("x-amz-content-sha256");
        if (declared == null) {
            return SigV4.sha256Hex(request.body().get());
        }
        if (declared.equals(UNSIGNED_PAYLOAD)) {
            return declared;
        }
        if (!declared.matches("[0-9a-f]{64}")) {
            throw malformed("Unsupported x-amz-content-sha256 value: " + declared);
        }
        if (!declared.equals(SigV4.sha256Hex(request.body().get()))) {
            throw new AuthenticationException(Reason.BAD_SIGNATURE,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        return declared;
    }

    private static AuthenticationException malformed(String message) {
        return new AuthenticationException(Reason.MALFORMED, message);
    }

    /** The parts of a SigV4 Authorization header. */
    private record Authorization(String accessKeyId, String date, String region, String service,
                                 List<String> signedHeaders, String signature) {

        String scope() {
            return date + '/' + region + '/' + service + '/' + SigV4.TERMINATOR;
        }

        static Authorization parse(String header) {
            if (header == null || !header.startsWith(SigV4.ALGORITHM + " ")) {
                throw malformed("Authorization header must use the " + SigV4.ALGORITHM + " algorithm.");
            }
            Map<String, String> parts = new HashMap<>();
            for (String part : header.substring(SigV4.ALGORITHM.length() + 1).split(",")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw malformed("Authorization header requires each component to be of the form key=value.");
                }
                parts.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
            for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
                if (parts.get(required) == null || parts.get(required).isEmpty()) {
                    throw malformed("Authorization header requires '" + required + "' parameter.");
                }
            }
            String[] credential = parts.get("Credential").split("/", -1);
            if (credential.length != 5 || Arrays.stream(credential).anyMatch(String::isEmpty)
                    || !credential[1].matches("\\d{8}") || !credential[4].equals(SigV4.TERMINATOR)) {
                throw malformed("Credential should be of the form ACCESS_KEY/yyyyMMdd/REGION/SERVICE/aws4_request, not '"
                        + parts.get("Credential") + "'.");
            }
            return new Authorization(credential[0], credential[1], credential[2], credential[3],
                    List.of(parts.get("SignedHeaders").split(";")), parts.get("Signature"));
        }
    }
}
