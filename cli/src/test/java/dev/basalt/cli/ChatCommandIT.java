package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.basalt.api.BasaltApplication;
import dev.basalt.api.EmbeddedTestServerLauncher;
import dev.basalt.cli.chat.ChatClient;
import dev.basalt.cli.chat.ChatSession;
import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.testkit.clients.Clients;
import dev.basalt.testkit.server.TestServer;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt chat} run in-process with scripted input against a server on a synthetic tiny model. */
class ChatCommandIT {
    private static final String MODEL = "basalt.tiny";
    private static final String STATS = "\\[(\\d+) prompt \\+ (\\d+) generated tokens, \\d+\\.\\d tok/s]";
    @TempDir
    static Path dir;
    private static TestServer server;
    private static OpenAIClient openAi;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        server = startServer(dir, 31, MODEL);
        openAi = Clients.openAi(server);
    }

    @AfterAll
    static void stop() {
        openAi.close();
        server.close();
    }

    /** Basalt serving a synthetic tiny Llama model (random weights, ChatML template) under each of {@code ids}. */
    private static TestServer startServer(Path dir, long seed, String... ids) throws IOException {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, seed, model);
        return EmbeddedTestServerLauncher.start(Files.createDirectories(dir.resolve("data")), Map.of(),
                Arrays.stream(ids).map(id -> new BasaltApplication.ModelSpec(id, model)).toList());
    }

    private int chat(String input, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "chat";
        System.arraycopy(args, 0, command, 1, args.length);
        return BasaltCli.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), command);
    }

    private int chatWithServer(String input, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--url";
        all[1] = server.uri().toString();
        all[2] = "--data"; // the API key comes from the server's credentials file
        all[3] = server.dataDir().toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return chat(input, all);
    }

    /**
     * The reply of a direct chat completion with seed 1 and 12 tokens, and its stats line. Seeded sampling at
     * temperature 1 shows varied text where greedy decoding of random weights tends to repeat one token.
     */
    private static String expectedTurn(UnaryOperator<ChatCompletionCreateParams.Builder> messages) {
        ChatCompletion completion = openAi.chat().completions().create(messages.apply(ChatCompletionCreateParams
                .builder().model(MODEL).temperature(1.0).seed(1).maxTokens(12)).build());
        var usage = completion.usage().orElseThrow();
        return completion.choices().getFirst().message().content().orElseThrow() + "\n[" + usage.promptTokens()
                + " prompt + " + usage.completionTokens() + " generated tokens, X tok/s]\n";
    }

    @Test
    void repliesStreamAsDirectCompletionsWouldAnswerAndCommandsShapeTheConversation() {
        int status = chatWithServer("/params temperature=1 seed=1 max_tokens=12\nhello\n/system be brief\nand then?\n"
                + "/reset\nhello\n/exit\n");
        assertThat(status).as(err.toString()).isZero();

        String first = expectedTurn(p -> p.addUserMessage("hello"));
        String firstReply = first.substring(0, first.lastIndexOf("\n["));
        String second = expectedTurn(p -> p.addSystemMessage("be brief").addUserMessage("hello")
                .addAssistantMessage(firstReply).addUserMessage("and then?"));
        String afterReset = expectedTurn(p -> p.addSystemMessage("be brief").addUserMessage("hello"));
        String expected = "basalt chat: " + MODEL + " at " + server.uri() + " (commands: /system TEXT, /params "
                + "name=value ..., /reset, /exit)\n"
                + "> params: temperature=1.0 top_p=(server default) max_tokens=12 seed=1\n"
                + "> " + first
                + "> system prompt set\n"
                + "> " + second
                + "> conversation cleared\n"
                + "> " + afterReset
                + "> ";
        assertThat(out.toString().replaceAll("\\d+\\.\\d tok/s", "X tok/s")).isEqualTo(expected);
        assertThat(out.toString()).containsPattern(STATS);
    }

    @Test
    void badParamsAndUnknownCommandsAreReportedAndChangeNothing() {
        assertThat(chatWithServer("/params temperature=3\n/params foo=1\n/params max_tokens\n/params seed=x "
                + "top_p=0.5\n/params top_p=0.5 seed=7\n/bogus\n", MODEL)).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList()).containsSubsequence(
                "> error: temperature must be between 0 and 2, got 3 (params unchanged: temperature=(server default) "
                        + "top_p=(server default) max_tokens=(server default) seed=(server default))",
                "> error: unknown parameter 'foo'; known: temperature, top_p, max_tokens, seed (params unchanged: "
                        + "temperature=(server default) top_p=(server default) max_tokens=(server default) seed=(server "
                        + "default))",
                "> error: expected name=value, got 'max_tokens' (params unchanged: temperature=(server default) "
                        + "top_p=(server default) max_tokens=(server default) seed=(server default))",
                "> error: seed must be a whole number, got 'x' (params unchanged: temperature=(server default) "
                        + "top_p=(server default) max_tokens=(server default) seed=(server default))",
                "> params: temperature=(server default) top_p=0.5 max_tokens=(server default) seed=7",
                "> error: unknown command '/bogus'; commands: /system TEXT, /params name=value ..., /reset, /exit");
    }

    @Test
    void serverErrorsArePrintedAndTheConversationGoesOn() {
        // More tokens than the tiny model's context: the server refuses the turn, which is then forgotten.
        assertThat(chatWithServer("/params max_tokens=1000000\nhello\n/params max_tokens=12 temperature=1 seed=1\n"
                + "hello\n")).as(err.toString()).isZero();
        String expected = expectedTurn(p -> p.addUserMessage("hello"));
        assertThat(out.toString()).contains("> \nerror: HTTP 400: The maximum tokens you requested (1000000) exceeds")
                .contains("> " + expected.substring(0, expected.indexOf("X tok/s]")));
    }

    @Test
    @Timeout(120)
    void cancellingAReplyForgetsTheTurnAndReturnsToThePrompt() throws Exception {
        // Greedy decoding of these random weights repeats one token without ending: a reply that lasts until cancelled.
        String input = "/params temperature=0 max_tokens=2000\ntell me a long story\n"
                + "/params temperature=1 seed=1 max_tokens=12\nhello\n";
        ChatSession session = new ChatSession(new ChatClient(server.uri(), server.apiKey()), MODEL,
                new BufferedReader(new StringReader(input)), new PrintWriter(out, true));
        Thread user = Thread.ofVirtual().start(() -> {
            try {
                session.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        while (!session.cancelReply()) { // Ctrl-C as soon as the reply is being streamed
            assertThat(user.isAlive()).as("the session ended before its first reply: %s", out).isTrue();
            Thread.sleep(5);
        }
        user.join();
        String expected = expectedTurn(p -> p.addUserMessage("hello"));
        assertThat(out.toString()).contains("[cancelled]\n> params: temperature=1.0");
        assertThat(out.toString().replaceAll("\\d+\\.\\d tok/s", "X tok/s")).endsWith("> " + expected + "> \n");
        assertThat(out.toString().split("tok/s]", -1)).hasSize(2); // only the second turn finished
    }

    /** {@code basalt chat} as its own process, its output gathered by a reader thread. */
    private record ChatProcess(Process process, StringBuffer output, Writer input) {
        static ChatProcess launch(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), BasaltCli.class.getName(), "chat"));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> k.startsWith("BASALT_"));
            Process process = builder.start();
            StringBuffer output = new StringBuffer();
            Thread.ofVirtual().start(() -> {
                try (Reader reader = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                    char[] buffer = new char[4096];
                    for (int n; (n = reader.read(buffer)) >= 0; ) {
                        output.append(buffer, 0, n);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            return new ChatProcess(process, output,
                    new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        }

        void type(String line) throws IOException {
            input.write(line + "\n");
            input.flush();
        }

        /** Waits until the output after {@code from} contains {@code text} (any text when empty); returns its end. */
        int await(String text, int from) throws InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (output.indexOf(text, from) < 0 || output.length() <= from) {
                assertThat(System.nanoTime()).as("waiting for '%s' in: %s", text, output).isLessThan(deadline);
                Thread.sleep(10);
            }
            return output.indexOf(text, from) + text.length();
        }

        void interrupt() throws Exception {
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor()).isZero();
        }
    }

    @Test
    @Timeout(180)
    void ctrlCCancelsTheReplyBeingWrittenAndExitsAtThePrompt() throws Exception {
        ChatProcess chat = ChatProcess.launch("--url", server.uri().toString(), "--data", server.dataDir().toString());
        try {
            int at = chat.await("> ", 0);
            chat.type("/params temperature=0 max_tokens=2000");
            chat.type("tell me a long story");
            at = chat.await("> ", chat.await("params: ", at));
            chat.await("", at); // some of the reply has been written
            chat.interrupt();
            at = chat.await("[cancelled]\n> ", at);
            chat.type("/params max_tokens=3");
            at = chat.await("> ", chat.await("params: ", at));
            chat.type("hello");
            at = chat.await("> ", chat.await(" tok/s]\n", at)); // a whole reply after the cancelled one
            chat.interrupt();
            assertThat(chat.process().waitFor(60, TimeUnit.SECONDS)).as("%s", chat.output()).isTrue();
            assertThat(chat.process().exitValue()).as("%s", chat.output()).isEqualTo(130);
        } finally {
            chat.process().destroyForcibly();
        }
    }

    @Test
    void anUnknownModelIsAnErrorListingTheServedOnes() {
        assertThat(chatWithServer("", "nope")).isEqualTo(2);
        assertThat(err.toString()).contains("basalt: error: unknown model 'nope'; available: " + MODEL);
    }

    @Test
    void withoutAServerTheErrorSaysToStartOne() {
        assertThat(chat("", "--url", "http://127.0.0.1:1", "--data", server.dataDir().toString())).isEqualTo(1);
        assertThat(err.toString()).contains("no Basalt server answers at http://127.0.0.1:1").contains("basalt serve");
    }

    @Test
    void aServerWithSeveralModelsNeedsTheModelNamed(@TempDir Path other) throws Exception {
        try (TestServer two = startServer(other, 3, "basalt.a", "basalt.b")) {
            assertThat(chat("", "--url", two.uri().toString(), "--data", two.dataDir().toString())).isEqualTo(2);
            assertThat(err.toString()).contains("the server serves 2 models; name one: basalt chat MODEL; available: "
                    + "basalt.a, basalt.b");
        }
    }
}
