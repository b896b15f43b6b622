package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.runtime.ConverseResult;
import java.util.List;
import java.util.Set;

/**
 * Mistral AI text completion: {@code {"prompt", "max_tokens", "stop", "temperature", "top_p", "top_k"}}, answered
 * with {@code {"outputs": [{"text", "stop_reason"}]}}. Bedrock's defaults (Mistral 7B Instruct): temperature 0.5,
 * top_p 0.9, top_k 50, max_tokens 512 (at most 8192).
 */
final class MistralText implements ModelFamily {
    private static final Set<String> KEYS = Set.of("prompt", "max_tokens", "stop", "temperature", "top_p", "top_k");

    @Override
    public NativeInvocation parse(NativeBody body, String modelId) {
        body.allowOnly(KEYS);
        String prompt = body.requiredText("prompt");
        SamplingParams.Builder params = NativeBody.defaults(0.5, 0.9, 50, 512);
        body.integer("max_tokens", 1, 8192).ifPresent(params::maxTokens);
        body.number("temperature", 0, 1).ifPresent(params::temperature);
        body.number("top_p", 0, 1).ifPresent(params::topP);
        body.integer("top_k", 1, 200).ifPresent(params::topK);
        params.stop(body.strings("stop"));
        return new Invocation(new InvokeInput.Prompt(prompt), NativeBody.sampling(params));
    }

    private static ObjectNode outputs(String text, String stopReason) {
        ObjectNode body = JsonBody.MAPPER.createObjectNode();
        body.putArray("outputs").addObject().put("text", text).put("stop_reason", stopReason);
        return body;
    }

    private record Invocation(InvokeInput input, SamplingParams sampling) implements NativeInvocation {
        @Override
        public ObjectNode response(ConverseResult result) {
            return outputs(result.text(), FamilyStopReasons.stopOrLength(result.stopReason()));
        }

        @Override
        public NativeChunks chunks(int inputTokens) {
            return new NativeChunks() {
                @Override
                public List<ObjectNode> start() {
                    return List.of();
                }

                @Override
                public List<ObjectNode> delta(String text) {
                    return List.of(outputs(text, null));
                }

                @Override
                public List<ObjectNode> end(ConverseResult result) {
                    return List.of(outputs("", FamilyStopReasons.stopOrLength(result.stopReason())));
                }
            };
        }
    }
}
