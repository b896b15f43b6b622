package dev.basalt.platform.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.errors.AccessDeniedException;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.testkit.ReferenceData;
import dev.basalt.testkit.hub.FakeHub;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a {@link FakeHub} on loopback: choice of file, redirects, resume, verification, hub errors. */
class ModelPullTest {
    private static final String REPO = "acme/tiny-GGUF";
    private static final String FILE = "tiny-Q8_0.gguf";

    @TempDir
    Path data;

    private final FakeHub hub = FakeHub.start();
    private final byte[] content = randomBytes(3_000_000, 1);
    private final List<long[]> progress = new ArrayList<>();

    @AfterEach
    void stop() {
        hub.close();
    }

    private ModelPull puller(String token, Duration stallTimeout) {
        HubClient client = new HubClient(hub.uri(), token);
        return new ModelPull(client, new Downloader(client, stallTimeout), data);
    }

    private Downloader.Result pull(String ref, String file) throws IOException {
        ModelPull pull = puller(null, Duration.ofSeconds(30));
        return pull.fetch(pull.plan(HubRepoRef.parse(ref), file), (done, total) -> progress.add(new long[] {done, total}));
    }

    private Path target(String file) {
        return data.resolve("models/hub/acme/tiny-GGUF").resolve(file);
    }

    private Path part(String file) {
        return target(file + ".part");
    }

    @Test
    void pullsTheReferenceModelByQuantTagThroughTheCdnRedirect() throws IOException {
        Path reference = ReferenceData.require("models/tinystories-656k-q8_0.gguf");
        hub.file(REPO, "tinystories-656k-q8_0.gguf", reference).file(REPO, "tinystories-656k-f32.gguf", content)
                .file(REPO, "README.md", new byte[] {'#'});

        Downloader.Result result = pull("hf.co/" + REPO + ":q8_0", null);

        assertThat(result.path()).isEqualTo(target("tinystories-656k-q8_0.gguf"));
        assertThat(result.alreadyPresent()).isFalse();
        assertThat(result.path()).hasSameBinaryContentAs(reference);
        assertThat(Downloader.sha256(result.path())).isEqualTo(FakeHub.sha256(Files.readAllBytes(reference)));
        assertThat(hub.downloads()).singleElement().satisfies(d -> {
            assertThat(d.host()).startsWith("localhost:"); // the CDN, reached by the redirect
            assertThat(d.range()).isNull();
        });
        assertThat(progress.getLast()).containsExactly(Files.size(reference), Files.size(reference));
        assertThat(part("tinystories-656k-q8_0.gguf")).doesNotExist();
    }

    @Test
    void pullsByFileName() throws IOException {
        hub.file(REPO, FILE, content).file(REPO, "tiny-Q4_0.gguf", randomBytes(1000, 2));
        assertThat(pull(REPO, "tiny-Q4_0.gguf").path()).hasBinaryContent(randomBytes(1000, 2));
        assertThat(target(FILE)).doesNotExist();
    }

    @Test
    void anAmbiguousRepositoryListsTheChoices() {
        hub.file(REPO, FILE, content).file(REPO, "tiny-Q4_0.gguf", randomBytes(1000, 2));
        assertThatThrownBy(() -> pull(REPO, null)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("2 .gguf files in acme/tiny-GGUF")
                .hasMessageContaining("tiny-Q4_0.gguf, tiny-Q8_0.gguf");
        assertThat(hub.downloads()).isEmpty();
    }

    @Test
    void aDroppedConnectionResumesWhereItStopped() throws IOException {
        hub.file(REPO, FILE, content);
        hub.dropAfter(FILE, 1_000_000);

        Downloader.Result result = pull(REPO, null);

        assertThat(result.path()).hasBinaryContent(content);
        assertThat(hub.downloads()).extracting(FakeHub.Download::range).containsExactly(null, "bytes=1000000-");
        assertThat(hub.bytesServed()).isEqualTo(content.length); // nothing fetched twice
        assertThat(result.transferred()).isEqualTo(content.length);
    }

    @Test
    void aSilentConnectionCountsAsBrokenAndResumes() throws IOException {
        hub.file(REPO, FILE, content);
        hub.stallAfter(FILE, 500_000);
        ModelPull pull = puller(null, Duration.ofMillis(400));

        Downloader.Result result = pull.fetch(pull.plan(HubRepoRef.parse(REPO), null), (d, t) -> {});

        assertThat(result.path()).hasBinaryContent(content);
        assertThat(hub.downloads()).extracting(FakeHub.Download::range).containsExactly(null, "bytes=500000-");
    }

    @Test
    void aPartLeftByAnInterruptedPullIsContinued() throws IOException {
        hub.file(REPO, FILE, content);
        Files.createDirectories(part(FILE).getParent());
        Files.write(part(FILE), Arrays.copyOf(content, 1_234_567)); // what Ctrl-C leaves behind

        Downloader.Result result = pull(REPO, null);

        assertThat(result.path()).hasBinaryContent(content);
        assertThat(hub.downloads()).extracting(FakeHub.Download::range).containsExactly("bytes=1234567-");
        assertThat(hub.bytesServed()).isEqualTo(content.length - 1_234_567);
        assertThat(result.transferred()).isEqualTo(content.length - 1_234_567);
        assertThat(progress.getFirst()).containsExactly(1_234_567, content.length);
        assertThat(part(FILE)).doesNotExist();
    }

    @Test
    void aServerThatIgnoresRangesMakesThePullStartOver() throws IOException {
        hub.file(REPO, FILE, content);
        hub.ignoreRange(true);
        Files.createDirectories(part(FILE).getParent());
        Files.write(part(FILE), new byte[1000]); // wrong bytes: kept, they would fail the checksum

        assertThat(pull(REPO, null).path()).hasBinaryContent(content);
        assertThat(hub.bytesServed()).isEqualTo(content.length);
    }

    @Test
    void aChecksumMismatchDeletesTheDownloadAndNamesBothHashes() {
        hub.file(REPO, FILE, content);
        hub.corrupt(FILE);

        assertThatThrownBy(() -> pull(REPO, null)).isInstanceOf(DependencyFailedException.class)
                .hasMessageContaining("checksum mismatch for " + FILE)
                .hasMessageContaining("expected sha256 " + FakeHub.sha256(content))
                .hasMessageMatching(".*got [0-9a-f]{64}.*");
        assertThat(target(FILE)).doesNotExist();
        assertThat(part(FILE)).doesNotExist();
    }

    @Test
    void aVerifiedFileIsNotDownloadedAgainButADamagedOneIs() throws IOException {
        hub.file(REPO, FILE, content);
        pull(REPO, null);
        Downloader.Result again = pull(REPO, null);
        assertThat(again.alreadyPresent()).isTrue();
        assertThat(again.transferred()).isZero();
        assertThat(hub.downloads()).hasSize(1);

        byte[] damaged = content.clone();
        damaged[10] ^= 1;
        Files.write(target(FILE), damaged); // same size, other bytes
        assertThat(pull(REPO, null).alreadyPresent()).isFalse();
        assertThat(target(FILE)).hasBinaryContent(content);
        assertThat(hub.downloads()).hasSize(2);
    }

    @Test
    void theTokenGoesToTheHubButNotToTheCdn() throws IOException {
        hub.file(REPO, FILE, content);
        hub.requireToken("hf_secret");
        assertThatThrownBy(() -> pull(REPO, null)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("401").hasMessageContaining("HF_TOKEN").hasMessageContaining("acme/tiny-GGUF");

        ModelPull pull = puller("hf_secret", Duration.ofSeconds(30));
        assertThat(pull.fetch(pull.plan(HubRepoRef.parse(REPO), null), (d, t) -> {}).path()).hasBinaryContent(content);
        assertThat(hub.downloads()).singleElement().extracting(FakeHub.Download::authorization).isNull();

        ModelPull wrong = puller("hf_wrong", Duration.ofSeconds(30));
        assertThatThrownBy(() -> wrong.plan(HubRepoRef.parse(REPO), null))
                .hasMessageContaining("HF_TOKEN is set but was not accepted");
    }

    @Test
    void unknownRepositoriesAndFilesAre404() {
        hub.file(REPO, FILE, content);
        assertThatThrownBy(() -> pull("acme/missing", null)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no model repository acme/missing on the hub at " + hub.uri() + " (404 Not Found)")
                .hasMessageContaining("Repository not found");
        HubClient client = new HubClient(hub.uri(), null);
        assertThatThrownBy(() -> client.download(HubRepoRef.parse(REPO), "gone.gguf", 0)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no file gone.gguf in acme/tiny-GGUF");
    }

    @Test
    void anUnreachableHubIsNamed() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port);
        HubClient client = new HubClient(closed, null);
        assertThatThrownBy(() -> client.files(HubRepoRef.parse(REPO))).isInstanceOf(DependencyFailedException.class)
                .hasMessage("cannot reach the hub at " + closed + ": connection refused");
        HubClient unknownHost = new HubClient(URI.create("http://no-such-host.invalid"), null);
        assertThatThrownBy(() -> unknownHost.files(HubRepoRef.parse(REPO))).isInstanceOf(DependencyFailedException.class)
                .hasMessageContaining("cannot reach the hub at http://no-such-host.invalid");
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
