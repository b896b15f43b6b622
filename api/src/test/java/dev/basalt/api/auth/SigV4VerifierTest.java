package dev.basalt.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.basalt.platform.errors.AuthenticationException;
import dev.basalt.platform.errors.AuthenticationException.Reason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * The AWS SDK's own SigV4 signer is the oracle: whatever it signs, the verifier accepts; any single change to
 * what was signed (path, query, a signed header, the body, the time) is refused.
 */
class SigV4VerifierTest {
    private static final String KEY_ID = "AKIDBASALTTEST";
    private static final String SECRET = "s3cr3t/with+odd=chars";
    private static final Instant NOW = Instant.parse("2026-11-23T12:36:00Z");
    private static final String SEGMENT_CHARS = "abcXYZ019-_.~:/ +%=&?#@!$'()*,;é中🙂";

    private final SigV4Verifier verifier = verifierAt(NOW);

    private static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier("bedrock", Clock.fixed(now, ZoneOffset.UTC), id -> id.equals(KEY_ID) ? SECRET : null);
    }

    /** A request as a Bedrock SDK client would build it: segments encoded once, raw query, JSON-ish body. */
    private static SdkHttpFullRequest randomRequest(Random random) {
        StringBuilder path = new StringBuilder();
        int segments = 1 + random.nextInt(4);
        for (int i = 0; i < segments; i++) {
            path.append('/').append(SdkHttpUtils.urlEncode(randomText(random, 1 + random.nextInt(12))));
        }
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(random.nextBoolean() ? SdkHttpMethod.POST : SdkHttpMethod.GET)
                .uri(URI.create("http://127.0.0.1:" + (1024 + random.nextInt(60000))))
                .encodedPath(path.toString())
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Amz-Custom", "  spaced    value  ");
        for (int i = random.nextInt(4); i > 0; i--) {
            request.appendRawQueryParameter(randomText(random, 1 + random.nextInt(5)), randomText(random, random.nextInt(6)));
        }
        return request.build();
    }

    private static String randomText(Random random, int length) {
        StringBuilder s = new StringBuilder();
        while (s.codePointCount(0, s.length()) < length) {
            int i = random.nextInt(SEGMENT_CHARS.codePointCount(0, SEGMENT_CHARS.length()));
            s.appendCodePoint(SEGMENT_CHARS.codePoints().skip(i).findFirst().orElseThrow());
        }
        return s.toString();
    }

    private static byte[] randomBody(Random random) {
        byte[] body = new byte[random.nextInt(200)];
        random.nextBytes(body);
        return body;
    }

    private static SdkHttpRequest sign(SdkHttpFullRequest request, byte[] body, Instant at, boolean signPayload) {
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(KEY_ID, SECRET))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-3")
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, signPayload)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))).request();
    }

    /** What the server sees: the wire path and query, headers by lowercase name (Host as a client sends it). */
    private static SignedRequest received(SdkHttpRequest signed, byte[] body) {
        Map<String, List<String>> headers = new TreeMap<>();
        signed.forEachHeader((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(values)));
        headers.putIfAbsent("host", List.of(signed.host() + ":" + signed.port()));
        String query = SdkHttpUtils.encodeAndFlattenQueryParameters(signed.rawQueryParameters()).orElse(null);
        return new SignedRequest(signed.method().name(), signed.encodedPath(), query, headers, () -> body);
    }

    static Stream<Long> seeds() {
        return new Random(42).longs(200).boxed();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void acceptsWhatTheSdkSignsAndRefusesAnyTampering(long seed) {
        Random random = new Random(seed);
        SdkHttpFullRequest request = randomRequest(random);
        byte[] body = randomBody(random);
        SignedRequest good = received(sign(request, body, NOW, true), body);
        assertThatCode(() -> verifier.verify(good)).as("path %s query %s", good.rawPath(), good.rawQuery())
                .doesNotThrowAnyException();

        assertRefused(withPath(good, tamper(good.rawPath(), random)), Reason.BAD_SIGNATURE);
        assertRefused(withQuery(good, (good.rawQuery() == null ? "" : good.rawQuery() + "&") + "extra=1"),
                Reason.BAD_SIGNATURE);
        assertRefused(withHeader(good, "x-amz-custom", v -> v + "x"), Reason.BAD_SIGNATURE);
        assertRefused(withHeader(good, "content-type", v -> v.replace("json", "jsom")), Reason.BAD_SIGNATURE);
        assertRefused(withHeader(good, "x-amz-date", v -> v.substring(0, 14) + (char) (v.charAt(14) ^ 1) + "Z"),
                Reason.BAD_SIGNATURE);
        if (body.length > 0) {
            byte[] changed = body.clone();
            changed[random.nextInt(changed.length)] ^= (byte) (1 << random.nextInt(8));
            assertRefused(new SignedRequest(good.method(), good.rawPath(), good.rawQuery(), good.headers(),
                    () -> changed), Reason.BAD_SIGNATURE);
        }
    }

    @Test
    void unsignedPayloadIsAcceptedAsSignedButADeclaredHashMustMatchTheBody() {
        Random random = new Random(7);
        SdkHttpFullRequest request = randomRequest(random);
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        SignedRequest unsigned = received(sign(request.toBuilder().protocol("https").build(), body, NOW, false), body);
        assertThat(unsigned.header("x-amz-content-sha256")).isEqualTo(SigV4Verifier.UNSIGNED_PAYLOAD);
        assertThatCode(() -> verifier.verify(unsigned)).doesNotThrowAnyException();

        SdkHttpFullRequest declared = request.toBuilder()
                .putHeader("x-amz-content-sha256", SigV4.sha256Hex(body)).build();
        SignedRequest withHash = received(sign(declared, body, NOW, true), body);
        assertThatCode(() -> verifier.verify(withHash)).doesNotThrowAnyException();
        assertRefused(new SignedRequest(withHash.method(), withHash.rawPath(), withHash.rawQuery(), withHash.headers(),
                () -> "{\"a\":2}".getBytes(StandardCharsets.UTF_8)), Reason.BAD_SIGNATURE);
    }

    /**
     * A request signed by the JavaScript SDK v3's signer (@smithy/signature-v4) as its HTTP/2 handler sends it:
     * {@code :authority} signed in place of Host (the server passes the authority under both names).
     */
    @Test
    void acceptsTheJavaScriptSdksHttp2SignatureOverAuthority() {
        String authorization = "AWS4-HMAC-SHA256 Credential=AKIDBASALTTEST/20261123/eu-west-3/bedrock/aws4_request, "
                + "SignedHeaders=:authority;content-length;content-type;x-amz-content-sha256;x-amz-date, "
                + "Signature=8a319897f8ef077c7fc0db5b023fa4750dcd23ec3589c8418f69c4d9b214488f";
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new TreeMap<>(Map.of(
                ":authority", List.of("127.0.0.1:40123"),
                "host", List.of("127.0.0.1:40123"),
                "content-type", List.of("application/json"),
                "content-length", List.of("15"),
                "x-amz-date", List.of("20261123T123600Z"),
                "x-amz-content-sha256", List.of(SigV4.sha256Hex(body)),
                "authorization", List.of(authorization)));
        SignedRequest js = new SignedRequest("POST", "/model/basalt.tiny/converse-stream", null, headers, () -> body);
        assertThatCode(() -> verifier.verify(js)).doesNotThrowAnyException();
        assertRefused(withHeader(js, ":authority", v -> "127.0.0.1:40124"), Reason.BAD_SIGNATURE);
        assertRefused(withHeader(js, "authorization", v -> v.replace(":authority;", "")), Reason.MALFORMED);
    }

    @Test
    void signingTimeMustBeWithinFiveMinutes() {
        SdkHttpFullRequest request = randomRequest(new Random(3));
        SignedRequest signed = received(sign(request, new byte[0], NOW, true), new byte[0]);
        Duration limit = SigV4Verifier.MAX_SKEW;
        assertThatCode(() -> verifierAt(NOW.plus(limit)).verify(signed)).doesNotThrowAnyException();
        assertThatCode(() -> verifierAt(NOW.minus(limit)).verify(signed)).doesNotThrowAnyException();
        assertThatThrownBy(() -> verifierAt(NOW.plus(limit).plusSeconds(1)).verify(signed))
                .asInstanceOf(type(AuthenticationException.class))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED))
                .extracting(Throwable::getMessage).isEqualTo("Signature expired: 20261123T123600Z is now earlier than 20261123T123601Z "
                        + "(20261123T124101Z - 5 min.)");
        assertThatThrownBy(() -> verifierAt(NOW.minus(limit).minusSeconds(1)).verify(signed))
                .hasMessageStartingWith("Signature not yet current: 20261123T123600Z is still later than");
    }

    @Test
    void unknownKeyOtherServiceAndGarbledHeadersAreRefusedWithTheirReasons() {
        SdkHttpFullRequest request = randomRequest(new Random(5));
        SignedRequest good = received(sign(request, new byte[0], NOW, true), new byte[0]);
        String authorization = good.header("authorization");
        assertRefused(withHeader(good, "authorization", v -> v.replace(KEY_ID, "AKIDOTHER")), Reason.UNKNOWN_KEY);
        assertRefused(withHeader(good, "authorization", v -> v.replace("/bedrock/", "/iam/")), Reason.BAD_SIGNATURE);
        assertRefused(withHeader(good, "authorization", v -> v.replace("/20261123/", "/20261122/")),
                Reason.BAD_SIGNATURE);
        assertRefused(withHeader(good, "authorization", v -> v.replace("Signature=", "Sig=")), Reason.MALFORMED);
        assertRefused(withHeader(good, "authorization", v -> v.replace("/aws4_request", "")), Reason.MALFORMED);
        assertRefused(withHeader(good, "authorization", v -> v.replace("host;", "")), Reason.MALFORMED);
        assertRefused(withHeader(good, "authorization", v -> "AWS4-HMAC-SHA256 garbage"), Reason.MALFORMED);
        assertRefused(withHeader(good, "x-amz-date", v -> "yesterday"), Reason.MALFORMED);
        assertRefused(withQuery(good, "a=%G1"), Reason.MALFORMED);
        assertThat(good.header("authorization")).isEqualTo(authorization);
    }

    private void assertRefused(SignedRequest request, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(request))
                .asInstanceOf(type(AuthenticationException.class))
                .satisfies(e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    /** One character changed, never the leading '/'. */
    private static String tamper(String text, Random random) {
        int i = 1 + random.nextInt(text.length() - 1);
        char replacement = text.charAt(i) == 'a' ? 'b' : 'a';
        return text.substring(0, i) + replacement + text.substring(i + 1);
    }

    private static SignedRequest withPath(SignedRequest r, String path) {
        return new SignedRequest(r.method(), path, r.rawQuery(), r.headers(), r.body());
    }

    private static SignedRequest withQuery(SignedRequest r, String query) {
        return new SignedRequest(r.method(), r.rawPath(), query, r.headers(), r.body());
    }

    private static SignedRequest withHeader(SignedRequest r, String name, UnaryOperator<String> change) {
        Map<String, List<String>> headers = new TreeMap<>(r.headers());
        headers.put(name, List.of(change.apply(r.header(name))));
        return new SignedRequest(r.method(), r.rawPath(), r.rawQuery(), headers, r.body());
    }
}
