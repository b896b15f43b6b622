package dev.basalt.api.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pieces of AWS Signature Version 4 as AWS defines them for services other than S3: canonical request,
 * string to sign, signing key and signature. Pure functions, so that each step can be checked against
 * AWS's published example.
 */
public final class SigV4 {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    public static final String TERMINATOR = "aws4_request";
    private static final HexFormat HEX = HexFormat.of();

    private SigV4() {}

    /**
     * The canonical request.
     *
     * @param rawPath       the path exactly as it came over the wire (still percent-encoded)
     * @param rawQuery      the query string as it came over the wire, or null
     * @param signedHeaders lowercase header names in the order the client listed them
     * @param headers       header values by lowercase name
     */
    public static String canonicalRequest(String method, String rawPath, String rawQuery, List<String> signedHeaders,
                                          Map<String, List<String>> headers, String payloadHash) {
        StringBuilder s = new StringBuilder();
        s.append(method).append('\n')
                .append(canonicalUri(rawPath)).append('\n')
                .append(canonicalQuery(rawQuery)).append('\n');
        for (String name : signedHeaders) {
            s.append(name).append(':').append(canonicalHeaderValue(headers.getOrDefault(name, List.of()))).append('\n');
        }
        s.append('\n').append(String.join(";", signedHeaders)).append('\n').append(payloadHash);
        return s.toString();
    }

    /**
     * Non-S3 services sign the path normalized (RFC 3986 dot segments removed) and encoded twice: the client
     * encodes each segment once to send it, and encodes that result again for the canonical request. The wire
     * path is the first encoding, so encoding it once more gives what the client signed ({@code %3A} becomes
     * {@code %253A}).
     */
    static String canonicalUri(String rawPath) {
        return rawPath == null || rawPath.isEmpty() ? "/" : uriEncode(removeDotSegments(rawPath), false);
    }

    /** RFC 3986 section 5.2.4 for an absolute path: "." segments vanish, ".." removes the segment before it. */
    static String removeDotSegments(String path) {
        if (!path.startsWith("/")) {
            return path; // not an absolute path (e.g. "*"): nothing a client would have normalized
        }
        String[] segments = path.split("/", -1);
        List<String> out = new ArrayList<>();
        for (int i = 1; i < segments.length; i++) {
            boolean last = i == segments.length - 1;
            switch (segments[i]) {
                case "." -> {
                    if (last) {
                        out.add("");
                    }
                }
                case ".." -> {
                    if (!out.isEmpty()) {
                        out.removeLast();
                    }
                    if (last) {
                        out.add("");
                    }
                }
                default -> out.add(segments[i]);
            }
        }
        return "/" + String.join("/", out);
    }

    /** Parameters decoded from the wire, re-encoded the AWS way and sorted by name, then value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String param : rawQuery.split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : param.substring(eq + 1);
            params.add(new String[] {uriEncode(percentDecode(name), true), uriEncode(percentDecode(value), true)});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder s = new StringBuilder();
        for (String[] p : params) {
            if (!s.isEmpty()) {
                s.append('&');
            }
            s.append(p[0]).append('=').append(p[1]);
        }
        return s.toString();
    }

    /** Values trimmed, inner runs of spaces collapsed to one, repeated headers joined with commas. */
    static String canonicalHeaderValue(List<String> values) {
        List<String> trimmed = new ArrayList<>(values.size());
        for (String v : values) {
            trimmed.add(v.strip().replaceAll(" +", " "));
        }
        return String.join(",", trimmed);
    }

    public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** The hex signature of {@code stringToSign} with the key derived for date (yyyyMMdd), region and service. */
    public static String signature(String secretAccessKey, String date, String region, String service,
                                   String stringToSign) {
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, TERMINATOR);
        return HEX.formatHex(hmac(key, stringToSign));
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** RFC 3986 encoding of everything but unreserved characters (and '/' unless {@code encodeSlash}). */
    static String uriEncode(String s, boolean encodeSlash) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Percent-decoding only: a '+' stays a '+' (AWS clients send spaces as %20). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            int pct = s.indexOf('%', i);
            int literalEnd = pct < 0 ? s.length() : pct;
            out.writeBytes(s.substring(i, literalEnd).getBytes(StandardCharsets.UTF_8));
            if (pct < 0) {
                break;
            }
            int hi = pct + 2 < s.length() ? Character.digit(s.charAt(pct + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(s.charAt(pct + 2), 16);
            if (lo < 0) {
                throw new IllegalArgumentException("malformed percent-encoding in query string: " + s);
            }
            out.write(hi * 16 + lo);
            i = pct + 3;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
