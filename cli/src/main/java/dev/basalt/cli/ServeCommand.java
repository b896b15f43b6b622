package dev.basalt.cli;

import dev.basalt.api.BasaltApplication;
import dev.basalt.platform.config.BasaltConfig;
import dev.basalt.platform.config.ConfigLoader;
import dev.basalt.platform.config.DataDirectory;
import dev.basalt.platform.security.CredentialsStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code basalt serve}: runs the server until SIGTERM/SIGINT, then drains in-flight requests and stops. */
@Command(name = "serve", description = {
        "Run the Basalt server.",
        "Configuration: defaults < DIR/basalt.yaml < BASALT_* environment < flags."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", description = "TCP port (default 8080; 0 picks a free one).")
    String port;

    @Option(names = "--host", paramLabel = "HOST", description = "Interface to bind (default 127.0.0.1).")
    String host;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default $BASALT_DATA or ~/.basalt).")
    Path data;

    @Option(names = "--model", paramLabel = "ID=PATH",
            description = {"Also serve the GGUF model at PATH as model id ID (repeatable), e.g. basalt.tiny=models/tiny.gguf;",
                    "not added to the catalog. The catalog's models (basalt models list) are always served."})
    private List<String> models = new ArrayList<>();

    @Option(names = "--preload", paramLabel = "ID",
            description = "Load this model at start instead of at its first request (repeatable).")
    private List<String> preload = new ArrayList<>();

    @Option(names = "--print-config", description = "Print the effective configuration (secrets redacted) and exit.")
    boolean printConfig;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private List<BasaltApplication.ModelSpec> modelSpecs() {
        return models.stream().map(arg -> {
            int eq = arg.indexOf('=');
            if (eq <= 0 || eq == arg.length() - 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--model takes ID=PATH, got '" + arg + "'");
            }
            return new BasaltApplication.ModelSpec(arg.substring(0, eq), Path.of(arg.substring(eq + 1)));
        }).toList();
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Path dataDir = DataDirectory.resolve(data, env);
        Map<String, String> flags = new LinkedHashMap<>();
        if (host != null) {
            flags.put("server.host", host);
        }
        if (port != null) {
            flags.put("server.port", port);
        }
        BasaltConfig config = ConfigLoader.load(dataDir.resolve(ConfigLoader.FILE_NAME), env, flags);
        PrintWriter out = spec.commandLine().getOut();
        if (printConfig) {
            out.println("# effective configuration: defaults < " + dataDir.resolve(ConfigLoader.FILE_NAME)
                    + " < BASALT_* environment < flags");
            out.println("# data directory: " + dataDir);
            out.println("# credentials: " + CredentialsStore.describe(dataDir, env) + "; secrets are never printed");
            out.print(ConfigLoader.toYaml(config));
            out.flush();
            return 0;
        }

        DataDirectory.ensureExists(dataDir);
        CredentialsStore.Loaded credentials = CredentialsStore.loadOrCreate(dataDir, env);
        BasaltApplication app = BasaltApplication.start(dataDir, config, credentials.credentials(), modelSpecs(),
                preload);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("basalt: stopping (draining in-flight requests for up to "
                    + config.server().drainTimeout().toSeconds() + "s)");
            out.flush();
            try {
                app.close();
            } catch (Exception e) {
                spec.commandLine().getErr().println("basalt: error while stopping: " + e.getMessage());
            }
            out.println("basalt: stopped");
            out.flush();
            stopped.countDown();
        }, "basalt-shutdown"));

        out.println("basalt: data directory " + dataDir);
        out.println("basalt: root credentials " + switch (credentials.source()) {
            case ENVIRONMENT -> "from the environment";
            case FILE -> "in " + credentials.file();
            case GENERATED -> "generated into " + credentials.file() + " (AWS shared-credentials format)";
        });
        out.println("basalt: listening on " + app.uri());
        out.flush();
        stopped.await();
        return 0;
    }
}
