package dev.basalt.platform.providers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.basalt.platform.config.ConfigLoader;
import dev.basalt.platform.config.ProviderConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny OpenAI-compatible server on loopback whose chat endpoint does what each test scripts, counting requests. */
final class FakeUpstream implements AutoCloseable {
    /** What the chat endpoint does with one request. */
    @FunctionalInterface
    interface Script {
        void handle(HttpExchange exchange) throws Exception;
    }

    final AtomicInteger chatRequests = new AtomicInteger();
    private final HttpServer server;

    FakeUpstream(Script chat) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/models", exchange -> send(exchange, 200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"m1\",\"object\":\"model\"},{\"id\":\"m2\",\"object\":\"model\"}]}"));
        server.createContext("/v1/chat/completions", exchange -> {
            chatRequests.incrementAndGet();
            try (exchange) {
                chat.handle(exchange);
            } catch (Exception e) {
                // the script ended the exchange its own way (a dropped connection)
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Starts an SSE response; write events with {@link #event}. */
    static OutputStream startEvents(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String textChunk(String text) {
        return "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}";
    }

    /** A provider configuration for this upstream with fast retries; {@code settings} override keys. */
    ProviderConfig config(Map<String, String> settings) {
        return config(url(), settings);
    }

    /** An OpenAI provider's configuration, built as {@code basalt.yaml} keys would build it. */
    static ProviderConfig config(URI url, Map<String, String> settings) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("kind", "openai");
        keys.put("url", url.toString());
        keys.put("retryBackoff", "10ms");
        keys.put("readTimeout", "5s");
        keys.putAll(settings);
        Map<String, String> overrides = new LinkedHashMap<>();
        keys.forEach((key, value) -> overrides.put("providers.up." + key, value));
        return ConfigLoader.load(null, Map.of(), overrides).providers().get("up");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
