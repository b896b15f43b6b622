package dev.basalt.api.bedrock.invoke;

import dev.basalt.platform.errors.ValidationException;

/**
 * Recognises the model family of a native InvokeModel body by its keys (Bedrock knows it from the model id; Basalt
 * serves any family on any model, so the body decides). The rules, first match wins:
 * <ol>
 *   <li>{@code anthropic_version} or {@code messages}: Anthropic Claude Messages;</li>
 *   <li>{@code inputText}: Amazon Titan Text;</li>
 *   <li>{@code prompt} with {@code max_gen_len}: Meta Llama;</li>
 *   <li>{@code prompt} with {@code max_tokens}, {@code stop} or {@code top_k}: Mistral AI;</li>
 *   <li>{@code prompt} with none of those (only {@code temperature}/{@code top_p} besides): Meta Llama, whose body
 *       has no other optional field, while Mistral bodies nearly always carry {@code max_tokens};</li>
 *   <li>anything else: a ValidationException.</li>
 * </ol>
 * The chosen family then validates the whole body, so a key of another family is reported as extraneous.
 */
public final class ModelFamilies {
    private static final ModelFamily ANTHROPIC = new AnthropicMessages();
    private static final ModelFamily TITAN = new TitanText();
    private static final ModelFamily LLAMA = new MetaLlama();
    private static final ModelFamily MISTRAL = new MistralText();

    private ModelFamilies() {}

    /** Parses and validates a native body sent to {@code modelId}. */
    public static NativeInvocation parse(byte[] body, String modelId) {
        NativeBody json = NativeBody.parse(body);
        return detect(json).parse(json, modelId);
    }

    static ModelFamily detect(NativeBody body) {
        if (body.has("anthropic_version") || body.has("messages")) {
            return ANTHROPIC;
        }
        if (body.has("inputText")) {
            return TITAN;
        }
        if (body.has("prompt")) {
            if (body.has("max_gen_len")) {
                return LLAMA;
            }
            return body.has("max_tokens") || body.has("stop") || body.has("top_k") ? MISTRAL : LLAMA;
        }
        throw new ValidationException("Malformed input request: the body matches no supported model family "
                + "(Anthropic Claude Messages: anthropic_version, messages, max_tokens; Meta Llama: prompt, "
                + "max_gen_len; Amazon Titan Text: inputText, textGenerationConfig; Mistral AI: prompt, max_tokens, "
                + "stop), please reformat your input and try again.");
    }
}
