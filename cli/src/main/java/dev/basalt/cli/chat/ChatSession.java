package dev.basalt.cli.chat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The interactive loop of {@code basalt chat}: each line is a user turn whose reply streams to the terminal, or one
 * of the commands {@code /system TEXT}, {@code /params name=value ...}, {@code /reset} and {@code /exit}. A reply
 * that fails or is cancelled leaves the conversation as it was before the turn.
 */
public final class ChatSession {
    /** The commands, as the help lines name them. */
    public static final String COMMANDS = "/system TEXT, /params name=value ..., /reset, /exit";
    private final ChatClient client;
    private final String model;
    private final BufferedReader in;
    private final PrintWriter out;
    private final List<ObjectNode> history = new ArrayList<>();
    private String system;
    private ChatParams params = ChatParams.DEFAULTS;
    private volatile ChatClient.ReplyStream replying;

    public ChatSession(ChatClient client, String model, BufferedReader in, PrintWriter out) {
        this.client = client;
        this.model = model;
        this.in = in;
        this.out = out;
    }

    /** Runs until {@code /exit} or the end of the input. */
    public void run() throws IOException, InterruptedException {
        while (true) {
            out.print("> ");
            out.flush();
            String line = in.readLine();
            if (line == null) {
                out.println();
                out.flush();
                return;
            }
            line = line.strip();
            if (line.equals("/exit")) {
                return;
            }
            if (line.startsWith("/")) {
                command(line);
            } else if (!line.isEmpty()) {
                turn(line);
            }
            out.flush();
        }
    }

    /**
     * Cancels the reply being streamed (Ctrl-C during a reply): the stream closes, the server stops generating and
     * the loop returns to the prompt.
     *
     * @return false when no reply is being streamed
     */
    public boolean cancelReply() {
        ChatClient.ReplyStream stream = replying;
        if (stream == null) {
            return false;
        }
        try {
            stream.close();
        } catch (IOException ignored) {
            // the stream is being abandoned; a failure to close it changes nothing for the user
        }
        return true;
    }

    private void command(String line) {
        int space = line.indexOf(' ');
        String name = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1).strip();
        switch (name) {
            case "/system" -> {
                system = argument.isEmpty() ? null : argument;
                out.println(system == null ? "system prompt cleared" : "system prompt set");
            }
            case "/params" -> {
                try {
                    params = params.with(argument);
                    out.println("params: " + params);
                } catch (IllegalArgumentException e) {
                    out.println("error: " + e.getMessage() + " (params unchanged: " + params + ")");
                }
            }
            case "/reset" -> {
                history.clear();
                out.println("conversation cleared");
            }
            default -> out.println("error: unknown command '" + name + "'; commands: " + COMMANDS);
        }
    }

    private void turn(String text) throws IOException, InterruptedException {
        history.add(message("user", text));
        List<ObjectNode> messages = new ArrayList<>();
        if (system != null) {
            messages.add(message("system", system));
        }
        messages.addAll(history);
        long start = System.nanoTime();
        ChatClient.Reply reply;
        try {
            ChatClient.ReplyStream stream = client.stream(model, messages, params);
            replying = stream;
            try (stream) {
                reply = stream.read(delta -> {
                    out.print(delta);
                    out.flush();
                });
            } finally {
                replying = null;
            }
        } catch (ChatClient.ApiException e) {
            history.removeLast();
            out.println();
            out.println("error: " + e.getMessage());
            return;
        }
        out.println();
        if (reply.cancelled()) {
            history.removeLast();
            out.println("[cancelled]");
            return;
        }
        history.add(message("assistant", reply.text()));
        out.println(stats(reply, System.nanoTime() - start));
    }

    /** {@code [N prompt + M generated tokens, X tok/s]}: the speed is generated tokens over the reply's wall time. */
    static String stats(ChatClient.Reply reply, long nanos) {
        if (reply.usage() == null) {
            return "[no usage reported]";
        }
        long generated = reply.usage().completionTokens();
        return String.format(Locale.ROOT, "[%d prompt + %d generated tokens, %.1f tok/s]",
                reply.usage().promptTokens(), generated, generated / Math.max(nanos / 1e9, 1e-9));
    }

    private static ObjectNode message(String role, String content) {
        return JsonNodeFactory.instance.objectNode().put("role", role).put("content", content);
    }
}
