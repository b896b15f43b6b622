package dev.basalt.platform.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.config.ProviderConfig;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible server (vLLM, Ollama, llama.cpp's server, TGI, another Basalt): models from
 * {@code GET /models}, replies from {@code POST /chat/completions} streamed as server-sent events, each chunk turned
 * into {@link ConverseStream} events as it arrives.
 */
public final class OpenAiCompatibleProvider implements ModelProvider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final String name;
    private final ProviderConfig config;
    private final String base;
    private final HttpClient http;
    private final UpstreamGuard guard;
    private final ModelListCache models;

    public OpenAiCompatibleProvider(String name, ProviderConfig config, Clock clock) {
        this.name = name;
        this.config = config;
        this.base = config.url().toString().replaceAll("/+$", "");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout()).build();
        this.guard = UpstreamGuard.of(name, config, clock);
        this.models = new ModelListCache(this::fetchModels, config.modelsRefresh(), clock);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> models() {
        return models.get();
    }

    private List<String> fetchModels() {
        UpstreamGuard.Admitted<HttpResponse<InputStream>> admitted =
                guard.admit(() -> send(request("/models").GET().build()));
        try (InputStream body = admitted.value().body()) {
            List<String> ids = new ArrayList<>();
            for (JsonNode model : JSON.readTree(body).path("data")) {
                ids.add(model.path("id").asText());
            }
            admitted.permit().succeeded();
            return ids;
        } catch (IOException e) {
            DependencyFailedException error = new DependencyFailedException("The model provider " + name
                    + " sent an unreadable model list: " + e.getMessage(), e);
            admitted.permit().failed(error);
            throw error;
        }
    }

    @Override
    public ConverseStream converse(String upstreamModelId, ConverseRequest request) {
        HttpRequest post = request("/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(OpenAiChatBody.of(upstreamModelId, request))).build();
        UpstreamGuard.Admitted<HttpResponse<InputStream>> admitted = guard.admit(() -> send(post));
        return ConverseStream.fromEvents(config.timeout(), sink -> {
            Relay relay = new Relay(admitted, sink);
            Thread reader = Thread.ofVirtual().name("provider-" + name + "-stream").start(relay::run);
            return () -> relay.cancel(reader);
        });
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(config.readTimeout());
        if (!config.apiKey().isEmpty()) {
            builder.header("Authorization", "Bearer " + config.apiKey());
        }
        return builder;
    }

    /** One try: the response once its headers arrived with status 200, or the failure classified. */
    private HttpResponse<InputStream> send(HttpRequest request) throws UpstreamGuard.RetryableFailure {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new UpstreamGuard.RetryableFailure(unreachable(e));
        } catch (HttpTimeoutException e) {
            // The upstream may be working on it: repeating could run the generation twice.
            throw guard.noAnswer(config.readTimeout());
        } catch (IOException e) {
            throw new UpstreamGuard.RetryableFailure(unreachable(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException(e);
        }
        if (response.statusCode() == 200) {
            return response;
        }
        throw guard.rejected(response.statusCode(), errorMessage(response), "apiKey");
    }

    private DependencyFailedException unreachable(IOException e) {
        return new DependencyFailedException("The model provider " + name + " at " + base + " cannot be reached ("
                + UpstreamGuard.rootMessage(e) + ").", e);
    }

    /** The upstream's {@code error.message}, else its body's text (consumes the body). */
    private static String errorMessage(HttpResponse<InputStream> response) {
        String text;
        try (InputStream body = response.body()) {
            text = new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            text = "";
        }
        String message = text;
        try {
            JsonNode error = JSON.readTree(text).path("error");
            if (error.isTextual()) {
                message = error.asText();
            } else if (error.path("message").isTextual()) {
                message = error.path("message").asText();
            }
        } catch (JsonProcessingException notJson) {
            // the text itself is the message
        }
        return message.isEmpty() ? "(no message)" : message;
    }

    /**
     * Reads one streamed reply on its own thread and relays its chunks. It ends the reply exactly once: finished at
     * {@code [DONE]}, failed when the upstream reports an error, breaks the connection, ends early or goes quiet for
     * the read timeout; a cancel from the caller ends it silently.
     */
    private final class Relay {
        private final HttpResponse<InputStream> response;
        private final UpstreamGuard.Permit permit;
        private final ReplyAssembler reply;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final UpstreamGuard.Watchdog watchdog;
        private volatile Thread thread;
        private int openToolIndex = -1;
        private String finishReason;
        private int inputTokens;
        private int cachedInputTokens;
        private int outputTokens;

        Relay(UpstreamGuard.Admitted<HttpResponse<InputStream>> admitted, Consumer<ConverseStream.Event> sink) {
            this.response = admitted.value();
            this.permit = admitted.permit();
            this.reply = new ReplyAssembler(sink);
            this.watchdog = guard.watch(config.readTimeout(), () -> {
                end(guard.idleTimeout(config.readTimeout()));
                stop(thread);
            });
        }

        void run() {
            thread = Thread.currentThread();
            BasaltException failure = null;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null && !reply.ended()) {
                    watchdog.touch();
                    if (!line.startsWith("data:")) {
                        continue; // blank separators, comments, event names
                    }
                    String data = line.substring("data:".length()).strip();
                    if (data.equals("[DONE]")) {
                        break;
                    }
                    failure = chunk(JSON.readTree(data));
                    if (failure != null) {
                        break;
                    }
                }
                if (failure == null && !reply.ended() && finishReason == null) {
                    failure = new DependencyFailedException("The model provider " + name
                            + " ended the stream before the reply was complete.");
                }
            } catch (IOException e) {
                failure = new DependencyFailedException("The model provider " + name
                        + " broke off the reply (" + UpstreamGuard.rootMessage(e) + ").", e);
            } finally {
                watchdog.stop();
            }
            end(failure);
        }

        /**
         * Ends the reply once. The permit is released before the last event goes out, so a caller that has read the
         * end of one reply can start the next at once.
         */
        private synchronized void end(BasaltException failure) {
            if (reply.ended()) {
                return;
            }
            if (cancelled.get()) {
                permit.succeeded(); // the caller left; nothing is wrong with the upstream
            } else if (failure != null) {
                permit.failed(failure);
                reply.fail(failure);
            } else {
                permit.succeeded();
                reply.finish(stopReason(finishReason), inputTokens, cachedInputTokens, outputTokens);
            }
        }

        /** Relays one chunk; returns the error an error chunk reports. */
        private BasaltException chunk(JsonNode chunk) {
            JsonNode error = chunk.get("error");
            if (error != null) {
                String message = error.path("message").asText(error.asText());
                return new DependencyFailedException("The model provider " + name + " failed during the reply: "
                        + message);
            }
            JsonNode usage = chunk.path("usage");
            if (usage.isObject()) {
                inputTokens = usage.path("prompt_tokens").asInt();
                outputTokens = usage.path("completion_tokens").asInt();
                cachedInputTokens = usage.path("prompt_tokens_details").path("cached_tokens").asInt();
            }
            for (JsonNode choice : chunk.path("choices")) {
                if (choice.path("index").asInt() != 0) {
                    continue;
                }
                JsonNode delta = choice.path("delta");
                if (delta.path("content").isTextual()) {
                    reply.text(delta.path("content").asText());
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    int index = call.path("index").asInt();
                    JsonNode function = call.path("function");
                    if (index != openToolIndex) {
                        openToolIndex = index;
                        reply.toolStart(call.path("id").asText("call_" + index), function.path("name").asText());
                    }
                    reply.toolInput(function.path("arguments").asText(""));
                }
                if (choice.path("finish_reason").isTextual()) {
                    finishReason = choice.path("finish_reason").asText();
                }
            }
            return null;
        }

        void cancel(Thread reader) {
            if (!reply.ended()) {
                cancelled.set(true);
            }
            stop(reader);
        }

        /** Closing the body cancels the exchange; the interrupt wakes a read waiting for data. */
        private void stop(Thread reader) {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // closing is best effort; the interrupt below ends the read
            }
            if (reader != null) {
                reader.interrupt();
            }
        }
    }

    private static StopReason stopReason(String finishReason) {
        return "length".equals(finishReason) ? StopReason.MAX_TOKENS : StopReason.END_OF_GENERATION;
    }

    @Override
    public void close() {
        guard.close();
        http.shutdownNow(); // close() would wait for streams still in flight
    }
}
