package dev.basalt.platform.chat;

/**
 * The special-token strings a template may print ({@code bos_token}, {@code eos_token}), read from the model's
 * tokenizer metadata. A model without one passes the empty string, as Hugging Face does.
 */
public record SpecialTokens(String bos, String eos) {

    public static final SpecialTokens NONE = new SpecialTokens("", "");

    public SpecialTokens {
        bos = bos == null ? "" : bos;
        eos = eos == null ? "" : eos;
    }
}
