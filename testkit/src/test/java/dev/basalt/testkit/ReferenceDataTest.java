package dev.basalt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ReferenceDataTest {
    @Test
    void missingReferenceDataSkipsWithAMessageNamingWhatIsMissing() {
        assertThatThrownBy(() -> ReferenceData.require("no/such/model.gguf"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no/such/model.gguf");
    }

    @Test
    void presentReferenceDataIsFound() {
        // Skips (like every reference-data test) on a machine without ../shared/data; CI has it.
        assertThat(ReferenceData.require("MANIFEST.md")).satisfies(p -> assertThat(Files.isRegularFile(p)).isTrue());
    }

    @Test
    void repositoryRootIsWhereTheBuildRuns() {
        assertThat(ReferenceData.repositoryRoot().resolve(".mvn")).isDirectory();
    }
}
