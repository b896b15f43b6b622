package dev.basalt.cli.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A Basalt server's OpenAI-compatible API as the chat command uses it: the model list, and streamed chat
 * completions read as server-sent events.
 */
public final class ChatClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    /** {@code base} is the server's root, e.g. {@code http://127.0.0.1:8080}. */
    public ChatClient(URI base, String apiKey) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A request the server refused, with its OpenAI error message. */
    public static final class ApiException extends RuntimeException {
        ApiException(String message) {
            super(message);
        }
    }

    /** No server answers at the address. */
    public static final class UnreachableException extends RuntimeException {
        UnreachableException(URI base, Throwable cause) {
            super("no Basalt server answers at " + base + " (" + cause.getClass().getSimpleName() + "): start one "
                    + "with `basalt serve`, or point --url at one", cause);
        }
    }

    /** The ids of the models the server serves. */
    public List<String> models() throws InterruptedException {
        HttpResponse<InputStream> response = send(request("v1/models").GET().build());
        List<String> ids = new ArrayList<>();
        for (JsonNode model : readJson(response).path("data")) {
            ids.add(model.path("id").asText());
        }
        return ids;
    }

    /** Starts a streamed chat completion of {@code messages} (OpenAI message objects) on {@code model}. */
    public ReplyStream stream(String model, List<ObjectNode> messages, ChatParams params) throws InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("stream", true);
        ArrayNode array = body.putArray("messages");
        messages.forEach(array::add);
        body.putObject("stream_options").put("include_usage", true);
        params.putInto(body);
        HttpResponse<InputStream> response = send(request("v1/chat/completions")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        if (response.statusCode() != 200) {
            readJson(response); // throws the server's error
        }
        return new ReplyStream(response.body());
    }

    /** A reply's token counts as the server's usage gives them. */
    public record Usage(long promptTokens, long completionTokens) {}

    /**
     * A reply: its text (as far as it came), why it ended ({@code null} when cancelled), and its usage ({@code null}
     * when the stream ended without one).
     */
    public record Reply(String text, String finishReason, Usage usage, boolean cancelled) {}

    /** A streamed reply being read; {@link #close} from another thread cancels it (the server stops generating). */
    public static final class ReplyStream implements AutoCloseable {
        private final InputStream body;
        private volatile boolean cancelled;

        ReplyStream(InputStream body) {
            this.body = body;
        }

        /** Reads the events to the end, handing each piece of text to {@code onText} as it arrives. */
        public Reply read(Consumer<String> onText) throws IOException {
            StringBuilder text = new StringBuilder();
            String finishReason = null;
            Usage usage = null;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (!line.startsWith("data:")) {
                        continue; // blank separators and comments
                    }
                    String data = line.substring(5).strip();
                    if (data.equals("[DONE]")) {
                        break;
                    }
                    JsonNode event = JSON.readTree(data);
                    if (event.has("error")) {
                        throw new ApiException(event.path("error").path("message").asText("the stream failed"));
                    }
                    for (JsonNode choice : event.path("choices")) {
                        String delta = choice.path("delta").path("content").asText("");
                        if (!delta.isEmpty()) {
                            text.append(delta);
                            onText.accept(delta);
                        }
                        if (choice.hasNonNull("finish_reason")) {
                            finishReason = choice.get("finish_reason").asText();
                        }
                    }
                    JsonNode u = event.path("usage");
                    if (u.isObject()) {
                        usage = new Usage(u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong());
                    }
                }
            } catch (IOException e) {
                if (!cancelled) {
                    throw e;
                }
            }
            return cancelled ? new Reply(text.toString(), null, null, true)
                    : new Reply(text.toString(), finishReason, usage, false);
        }

        @Override
        public void close() throws IOException {
            cancelled = true;
            body.close();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + apiKey);
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UnreachableException(base, e);
        }
    }

    /** The body as JSON when the status is 200; otherwise the server's error as an {@link ApiException}. */
    private static JsonNode readJson(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            JsonNode json = JSON.readTree(body);
            if (response.statusCode() != 200) {
                String message = json == null ? "" : json.path("error").path("message").asText("");
                throw new ApiException("HTTP " + response.statusCode() + (message.isEmpty() ? "" : ": " + message));
            }
            return json;
        } catch (IOException e) {
            throw new ApiException("HTTP " + response.statusCode() + " with an unreadable body (" + e.getMessage() + ")");
        }
    }
}
