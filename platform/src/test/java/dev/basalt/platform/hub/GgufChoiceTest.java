package dev.basalt.platform.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GgufChoiceTest {
    private static List<HubFile> files(String... names) {
        return Arrays.stream(names).map(n -> new HubFile(n, 1, null)).toList();
    }

    private static String choose(List<HubFile> files, String ref, String file) {
        return GgufChoice.choose(files, HubRepoRef.parse(ref), file).name();
    }

    private static final List<HubFile> QUANTS = files("README.md", "m-Q4_K_M.gguf", "m-Q4_K_S.gguf", "m-Q4_K.gguf",
            "m-Q8_0.gguf", "mmproj-m-f16.gguf");

    @Test
    void quantTagPicksTheFileCaseInsensitivelyPreferringWholeWords() {
        assertThat(choose(QUANTS, "o/r:q8_0", null)).isEqualTo("m-Q8_0.gguf");
        assertThat(choose(QUANTS, "o/r:Q4_K_M", null)).isEqualTo("m-Q4_K_M.gguf");
        assertThat(choose(QUANTS, "o/r:Q4_K", null)).isEqualTo("m-Q4_K.gguf");
    }

    @Test
    void theOnlyModelFileNeedsNoTagAndProjectorsAreNotModels() {
        assertThat(choose(files("config.json", "tiny.gguf", "mmproj-tiny.gguf"), "o/r", null)).isEqualTo("tiny.gguf");
    }

    @Test
    void fileNameIsTakenAsItIs() {
        assertThat(choose(QUANTS, "o/r", "m-Q4_K_S.gguf")).isEqualTo("m-Q4_K_S.gguf");
        assertThatThrownBy(() -> choose(QUANTS, "o/r", "nope.gguf")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no file 'nope.gguf' in o/r").hasMessageContaining("m-Q8_0.gguf");
        assertThatThrownBy(() -> choose(QUANTS, "o/r:Q8_0", "m-Q8_0.gguf")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("not both");
    }

    @Test
    void ambiguityListsTheChoices() {
        assertThatThrownBy(() -> choose(QUANTS, "o/r", null)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("4 .gguf files in o/r")
                .hasMessageContaining("m-Q4_K_M.gguf, m-Q4_K_S.gguf, m-Q4_K.gguf, m-Q8_0.gguf")
                .hasMessageNotContaining("mmproj");
        assertThatThrownBy(() -> choose(files("a-Q4_K_M.gguf", "b-Q4_K_M.gguf"), "o/r:q4_k_m", null))
                .isInstanceOf(ValidationException.class).hasMessageContaining("match the tag 'q4_k_m'");
        assertThatThrownBy(() -> choose(QUANTS, "o/r:Q2_K", null)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no .gguf file in o/r matches the tag 'Q2_K'").hasMessageContaining("m-Q8_0.gguf");
        assertThatThrownBy(() -> choose(files("README.md", "model.safetensors"), "o/r", null))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no .gguf model file in o/r");
    }

    @Test
    void multiPartModelsAreRefusedClearly() {
        List<HubFile> split = files("big-Q8_0-00001-of-00002.gguf", "big-Q8_0-00002-of-00002.gguf", "small-Q4_0.gguf");
        assertThatThrownBy(() -> choose(split, "o/r:Q8_0", null)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("multi-part").hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> choose(split, "o/r", "big-Q8_0-00002-of-00002.gguf"))
                .hasMessageContaining("multi-part");
        assertThat(choose(split, "o/r:Q4_0", null)).isEqualTo("small-Q4_0.gguf");
    }
}
