package dev.basalt.platform.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.platform.errors.ValidationException;
import org.junit.jupiter.api.Test;

class HubRepoRefTest {
    @Test
    void acceptsTheUsualSpellings() {
        assertThat(HubRepoRef.parse("hf.co/bartowski/SmolLM2-135M-Instruct-GGUF:Q4_K_M"))
                .isEqualTo(new HubRepoRef("bartowski", "SmolLM2-135M-Instruct-GGUF", "Q4_K_M"));
        assertThat(HubRepoRef.parse("bartowski/SmolLM2-135M-Instruct-GGUF"))
                .isEqualTo(new HubRepoRef("bartowski", "SmolLM2-135M-Instruct-GGUF", null));
        assertThat(HubRepoRef.parse("https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/"))
                .isEqualTo(new HubRepoRef("Qwen", "Qwen2.5-0.5B-Instruct-GGUF", null));
        assertThat(HubRepoRef.parse("  HF.CO/org/repo_1.x:q8_0 ")).isEqualTo(new HubRepoRef("org", "repo_1.x", "q8_0"));
        assertThat(HubRepoRef.parse("huggingface.co/org/repo").id()).isEqualTo("org/repo");
        assertThat(HubRepoRef.parse("org/repo:Q8_0")).hasToString("hf.co/org/repo:Q8_0");
    }

    @Test
    void rejectsWhatIsNotARepository() {
        for (String bad : new String[] {"", "  ", "repo", "org/", "/repo", "org/repo/extra", "hf.co/org/repo:",
                "https://huggingface.co/org/repo/blob/main/x.gguf", "org/../repo", "org/.hidden", "org/re po",
                "org/repo:Q4 K", "http://example.com/org/repo"}) {
            assertThatThrownBy(() -> HubRepoRef.parse(bad)).as(bad).isInstanceOf(ValidationException.class)
                    .hasMessageFindingMatch("hf.co/ORG/REPO|names hold|quantization tag|no model given");
        }
    }
}
