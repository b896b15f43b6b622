package dev.basalt.cli;

import dev.basalt.cli.chat.ChatClient;
import dev.basalt.cli.chat.ChatSession;
import dev.basalt.platform.config.BasaltConfig;
import dev.basalt.platform.config.ConfigLoader;
import dev.basalt.platform.config.DataDirectory;
import dev.basalt.platform.security.CredentialsStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code basalt chat [MODEL]}: an interactive streaming chat with a running server, over its OpenAI chat completions
 * API with the root API key. Exit code 2 when the model is not given and the server does not serve exactly one, or
 * is one the server does not serve.
 */
@Command(name = "chat", description = {
        "Chat with a model of a running Basalt server (start one with `basalt serve`).",
        "Commands: /system TEXT, /params temperature=0.2 top_p=0.9 max_tokens=200 seed=1, /reset, /exit.",
        "Ctrl-C cancels the reply being written; at the prompt it exits.",
        "The API key is $BASALT_API_KEY, else the one in the data directory's credentials file."})
final class ChatCommand implements Callable<Integer> {
    private static final Signal INTERRUPT = new Signal("INT");

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "Model id; optional when the server serves exactly one.")
    String model;

    @Option(names = "--url", paramLabel = "URL",
            description = "The server (default http://127.0.0.1:PORT with the configured port).")
    URI url;

    @Option(names = "--port", paramLabel = "PORT", description = "The local server's port (default: server.port).")
    Integer port;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default $BASALT_DATA or ~/.basalt).")
    Path data;

    @CommandLine.ParentCommand
    BasaltCli root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Path dataDir = DataDirectory.resolve(data, env);
        String apiKey = CredentialsStore.apiKey(dataDir, env).orElseThrow(() -> new IllegalArgumentException(
                "no API key: set BASALT_API_KEY, or pass --data with the server's data directory (no credentials file in "
                        + dataDir + ")"));
        URI server = url != null ? url : localServer(dataDir, env);
        ChatClient client = new ChatClient(server, apiKey);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> models = client.models();
        String chosen = model;
        if (chosen == null && models.size() != 1) {
            err.println("basalt: error: the server serves " + (models.isEmpty() ? "no models" : models.size()
                    + " models; name one: basalt chat MODEL") + describe(models));
            return 2;
        }
        if (chosen == null) {
            chosen = models.getFirst();
        } else if (!models.contains(chosen) && !chosen.startsWith("arn:")) {
            err.println("basalt: error: unknown model '" + chosen + "'" + describe(models));
            return 2;
        }
        out.println("basalt chat: " + chosen + " at " + server + " (commands: " + ChatSession.COMMANDS + ")");
        ChatSession session = new ChatSession(client, chosen,
                new BufferedReader(new InputStreamReader(root.in, StandardCharsets.UTF_8)), out);
        if (root.in != System.in) {
            session.run();
            return 0;
        }
        SignalHandler previous = Signal.handle(INTERRUPT, signal -> {
            if (!session.cancelReply()) {
                out.println();
                out.flush();
                System.exit(130); // Ctrl-C at the prompt: the shell's usual status for SIGINT
            }
        });
        try {
            session.run();
        } finally {
            Signal.handle(INTERRUPT, previous);
        }
        return 0;
    }

    /** The server this machine's configuration describes; a wildcard bind address is reached over loopback. */
    private URI localServer(Path dataDir, Map<String, String> env) {
        BasaltConfig config = ConfigLoader.load(dataDir.resolve(ConfigLoader.FILE_NAME), env, Map.of());
        String host = config.server().host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + (port != null ? port : config.server().port()));
    }

    private static String describe(List<String> models) {
        return models.isEmpty() ? "" : "; available: " + String.join(", ", models);
    }
}
