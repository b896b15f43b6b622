package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.runtime.ConverseResult;
import java.util.List;
import java.util.Set;

/**
 * Meta Llama: {@code {"prompt", "max_gen_len", "temperature", "top_p"}}, answered with {@code {"generation",
 * "prompt_token_count", "generation_token_count", "stop_reason"}}. Bedrock's defaults: temperature 0.5, top_p 0.9,
 * max_gen_len 512 (at most 2048).
 */
final class MetaLlama implements ModelFamily {
    private static final Set<String> KEYS = Set.of("prompt", "max_gen_len", "temperature", "top_p");

    @Override
    public NativeInvocation parse(NativeBody body, String modelId) {
        body.allowOnly(KEYS);
        String prompt = body.requiredText("prompt");
        SamplingParams.Builder params = NativeBody.defaults(0.5, 0.9, 0, 512);
        body.integer("max_gen_len", 1, 2048).ifPresent(params::maxTokens);
        body.number("temperature", 0, 1).ifPresent(params::temperature);
        body.number("top_p", 0, 1).ifPresent(params::topP);
        return new Invocation(new InvokeInput.Prompt(prompt), NativeBody.sampling(params));
    }

    private record Invocation(InvokeInput input, SamplingParams sampling) implements NativeInvocation {
        @Override
        public ObjectNode response(ConverseResult result) {
            return JsonBody.MAPPER.createObjectNode()
                    .put("generation", result.text())
                    .put("prompt_token_count", result.inputTokens())
                    .put("generation_token_count", result.outputTokens())
                    .put("stop_reason", FamilyStopReasons.stopOrLength(result.stopReason()));
        }

        /** prompt_token_count only in the first chunk; generation_token_count counts what was sent so far. */
        @Override
        public NativeChunks chunks(int inputTokens) {
            return new NativeChunks() {
                private int sent;
                private boolean first = true;

                @Override
                public List<ObjectNode> start() {
                    return List.of();
                }

                @Override
                public List<ObjectNode> delta(String text) {
                    return List.of(chunk(text, ++sent).putNull("stop_reason"));
                }

                @Override
                public List<ObjectNode> end(ConverseResult result) {
                    return List.of(chunk("", result.outputTokens())
                            .put("stop_reason", FamilyStopReasons.stopOrLength(result.stopReason())));
                }

                private ObjectNode chunk(String text, int generated) {
                    ObjectNode chunk = JsonBody.MAPPER.createObjectNode().put("generation", text);
                    if (first) {
                        chunk.put("prompt_token_count", inputTokens);
                        first = false;
                    } else {
                        chunk.putNull("prompt_token_count");
                    }
                    return chunk.put("generation_token_count", generated);
                }
            };
        }
    }
}
