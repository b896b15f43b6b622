package dev.basalt.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each SigV4 step against AWS's published example (IAM ListUsers, "Create a signed AWS API request"). */
class SigV4Test {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void awsPublishedIamExample() {
        String canonical = SigV4.canonicalRequest("GET", "/", "Version=2010-05-08&Action=ListUsers",
                List.of("content-type", "host", "x-amz-date"),
                Map.of("content-type", List.of("application/x-www-form-urlencoded; charset=utf-8"),
                        "host", List.of("iam.amazonaws.com"),
                        "x-amz-date", List.of("20150830T123600Z")),
                SigV4.sha256Hex(new byte[0]));
        assertThat(canonical).isEqualTo("""
                GET
                /
                Action=ListUsers&Version=2010-05-08
                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:iam.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                """ + EMPTY_SHA256);
        String stringToSign = SigV4.stringToSign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", canonical);
        assertThat(stringToSign).isEqualTo("""
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/iam/aws4_request
                f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59""");
        assertThat(SigV4.signature(SECRET, "20150830", "us-east-1", "iam", stringToSign))
                .isEqualTo("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    }

    @Test
    void pathsAreEncodedTwiceSlashesKept() {
        assertThat(SigV4.canonicalUri("/model/arn%3Aaws%3Abedrock%3A%3Afoundation-model%2Fx/converse"))
                .isEqualTo("/model/arn%253Aaws%253Abedrock%253A%253Afoundation-model%252Fx/converse");
        assertThat(SigV4.canonicalUri("")).isEqualTo("/");
        assertThat(SigV4.canonicalUri("/a b~")).isEqualTo("/a%20b~");
        assertThat(SigV4.canonicalUri("/a/./b/../c/")).isEqualTo("/a/c/");
        assertThat(SigV4.canonicalUri("/.")).isEqualTo("/");
        assertThat(SigV4.canonicalUri("/a/b/..")).isEqualTo("/a/");
        assertThat(SigV4.canonicalUri("/..//x")).isEqualTo("//x");
    }

    @Test
    void queryIsDecodedReencodedAndSorted() {
        assertThat(SigV4.canonicalQuery("b=2&a=%7E%20x+y&a=1&flag&c=%C3%A9"))
                .isEqualTo("a=1&a=~%20x%2By&b=2&c=%C3%A9&flag=");
        assertThat(SigV4.canonicalQuery(null)).isEmpty();
    }

    @Test
    void headerValuesAreTrimmedCollapsedAndJoined() {
        assertThat(SigV4.canonicalHeaderValue(List.of("  a   b  c ", "d"))).isEqualTo("a b c,d");
    }
}
