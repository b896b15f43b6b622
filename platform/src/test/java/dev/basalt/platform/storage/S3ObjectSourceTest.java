package dev.basalt.platform.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.config.S3StoreConfig;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.testkit.s3.S3ProxyServer;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 client's source under the {@link ObjectSource} contract, against S3Proxy (SigV4, path-style). */
class S3ObjectSourceTest extends ObjectSourceContract {
    @TempDir
    static Path storage;
    private static S3ProxyServer server;
    private static S3ObjectSource source;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(storage);
        source = new S3ObjectSource(config(S3ProxyServer.SECRET_ACCESS_KEY));
    }

    @AfterAll
    static void stopServer() throws Exception {
        source.close();
        server.close();
    }

    private static S3StoreConfig config(String secret) {
        return new S3StoreConfig(server.endpoint(), S3ProxyServer.REGION, S3ProxyServer.ACCESS_KEY_ID, secret, true);
    }

    @Override
    ObjectSource source() {
        return source;
    }

    @Override
    void createBucket() {
        if (!source.hasBucket("docs")) {
            server.createBucket("docs");
        }
    }

    @Override
    void put(String key, String content) {
        server.put("docs", key, content.getBytes(UTF_8));
    }

    @Test
    void wrongCredentialsAndAnUnreachableStoreAreDependencyFailures() {
        try (S3ObjectSource wrong = new S3ObjectSource(config("not-the-secret"))) {
            assertThatThrownBy(() -> wrong.list(S3Uri.parse("s3://docs/")))
                    .isInstanceOf(DependencyFailedException.class).hasMessageContaining(server.endpoint().toString());
        }
        try (S3ObjectSource down = new S3ObjectSource(new S3StoreConfig(URI.create("http://127.0.0.1:1"),
                S3ProxyServer.REGION, S3ProxyServer.ACCESS_KEY_ID, S3ProxyServer.SECRET_ACCESS_KEY, true))) {
            assertThatThrownBy(() -> down.open(S3Uri.parse("s3://docs/guide.txt")))
                    .isInstanceOf(DependencyFailedException.class).hasMessageContaining("http://127.0.0.1:1");
        }
    }
}
