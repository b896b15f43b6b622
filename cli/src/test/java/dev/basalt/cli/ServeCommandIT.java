package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt} as a separate process, the way an operator runs it: start, serve, SIGTERM, restart, bad input. */
class ServeCommandIT {
    private static final Pattern LISTENING = Pattern.compile("basalt: listening on (http://\\S+)");

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    /** A running {@code basalt} process and everything it printed so far (stdout and stderr merged). */
    private record Cli(Process process, BufferedReader output, List<String> lines) {
        String readUntil(Pattern pattern) throws IOException {
            for (String line; (line = output.readLine()) != null; ) {
                lines.add(line);
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : line;
                }
            }
            throw new AssertionError("process ended before printing " + pattern + "; output: " + lines);
        }

        String rest() throws IOException {
            for (String line; (line = output.readLine()) != null; ) {
                lines.add(line);
            }
            return String.join("\n", lines);
        }
    }

    private static Cli launch(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), BasaltCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("BASALT_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        return new Cli(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), new ArrayList<>());
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesUntilSigtermThenStopsAndKeepsItsCredentialsAcrossRestarts() throws Exception {
        Cli first = launch(Map.of("BASALT_SERVER_DRAIN_TIMEOUT", "5s"), "serve", "--port", "0", "--data", data.toString());
        String uri = first.readUntil(LISTENING);
        assertThat(first.lines()).anyMatch(l -> l.contains("generated into " + data.resolve("credentials")));

        assertThat(get(uri + "/health").statusCode()).isEqualTo(200);
        assertThat(get(uri + "/ready").statusCode()).isEqualTo(200);
        assertThat(get(uri + "/metrics").body()).contains("http_server_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"200\"} 1");
        Path credentials = data.resolve("credentials");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
        String firstCredentials = Files.readString(credentials);

        first.process().toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
        assertThat(first.process().waitFor(20, TimeUnit.SECONDS)).as("stopped within the drain timeout").isTrue();
        String output = first.rest();
        assertThat(output).contains("basalt: stopping").contains("basalt: stopped")
                .contains("\"route\":\"/health\"").contains("\"status\":200").contains("\"requestId\":");
        assertThat(output).doesNotContain(firstCredentials.lines().filter(l -> l.startsWith("aws_secret")).findFirst()
                .orElseThrow().split("= ")[1]);

        Cli second = launch(Map.of(), "serve", "--port", "0", "--data", data.toString());
        String uri2 = second.readUntil(LISTENING);
        assertThat(second.lines()).anyMatch(l -> l.contains("root credentials in " + credentials));
        assertThat(Files.readString(credentials)).isEqualTo(firstCredentials);

        Cli rival = launch(Map.of(), "serve", "--port", "0", "--data", data.toString());
        assertThat(rival.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(rival.rest()).contains("basalt: error: data directory " + data + " is in use by another Basalt process");
        assertThat(get(uri2 + "/health").statusCode()).isEqualTo(200);

        second.process().toHandle().destroy();
        assertThat(second.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void badConfigurationIsOneClearLineWithoutAStackTrace() throws Exception {
        Cli badFlag = launch(Map.of(), "serve", "--port", "eighty", "--data", data.toString());
        assertThat(badFlag.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(badFlag.process().exitValue()).isEqualTo(1);
        String flagOutput = badFlag.rest();
        assertThat(flagOutput).contains("basalt: error: invalid configuration value for 'server.port' (from command line): 'eighty' is not an integer")
                .doesNotContain("\tat ");

        Files.writeString(data.resolve("basalt.yaml"), "server:\n  drainTimeot: 5s\n");
        Cli badFile = launch(Map.of(), "serve", "--data", data.toString());
        assertThat(badFile.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(badFile.rest()).contains("unknown configuration key 'server.drainTimeot'").doesNotContain("\tat ");

        Cli debug = launch(Map.of(), "--debug", "serve", "--data", data.toString());
        assertThat(debug.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(debug.rest()).contains("\tat ").contains("basalt: error: unknown configuration key");
    }

    @Test
    void printConfigShowsTheEffectiveConfigurationWithSecretsRedacted() throws Exception {
        Files.writeString(data.resolve("basalt.yaml"), "server:\n  port: 9100\n");
        Cli cli = launch(Map.of("BASALT_SERVER_DRAIN_TIMEOUT", "7s", "BASALT_ACCESS_KEY_ID", "AKIDPRINT",
                        "BASALT_SECRET_ACCESS_KEY", "topsecretvalue", "BASALT_API_KEY", "bsk-topsecretkey"),
                "serve", "--print-config", "--data", data.toString(), "--host", "0.0.0.0");
        assertThat(cli.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.process().exitValue()).isZero();
        String output = cli.rest();
        assertThat(output).contains("port: 9100").contains("drainTimeout: 7s").contains("host: 0.0.0.0")
                .contains("AKIDPRINT").doesNotContain("topsecretvalue").doesNotContain("bsk-topsecretkey");
        assertThat(data.resolve("credentials")).doesNotExist();
    }

    @Test
    void helpListsTheCommands() throws Exception {
        Cli cli = launch(Map.of(), "--help");
        assertThat(cli.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.rest()).contains("serve").contains("version");
    }
}
