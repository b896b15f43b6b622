package dev.basalt.api.bedrock.invoke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.JsonBody;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.runtime.ConverseResult;
import java.util.List;
import java.util.Set;

/**
 * Amazon Titan Text: {@code {"inputText", "textGenerationConfig": {"temperature", "topP", "maxTokenCount",
 * "stopSequences"}}}, answered with {@code {"inputTextTokenCount", "results": [{"tokenCount", "outputText",
 * "completionReason"}]}}. Bedrock's defaults: temperature 0.7, topP 0.9, maxTokenCount 512 (at most 8192).
 */
final class TitanText implements ModelFamily {
    private static final Set<String> KEYS = Set.of("inputText", "textGenerationConfig");
    private static final Set<String> CONFIG_KEYS = Set.of("temperature", "topP", "maxTokenCount", "stopSequences");

    @Override
    public NativeInvocation parse(NativeBody body, String modelId) {
        body.allowOnly(KEYS);
        String prompt = body.requiredText("inputText");
        SamplingParams.Builder params = NativeBody.defaults(0.7, 0.9, 0, 512);
        body.optionalObject("textGenerationConfig").ifPresent(config -> {
            config.allowOnly(CONFIG_KEYS);
            config.integer("maxTokenCount", 1, 8192).ifPresent(params::maxTokens);
            config.number("temperature", 0, 1).ifPresent(params::temperature);
            config.number("topP", 0, 1).ifPresent(params::topP);
            params.stop(config.strings("stopSequences"));
        });
        return new Invocation(new InvokeInput.Prompt(prompt), NativeBody.sampling(params));
    }

    private record Invocation(InvokeInput input, SamplingParams sampling) implements NativeInvocation {
        @Override
        public ObjectNode response(ConverseResult result) {
            ObjectNode body = JsonBody.MAPPER.createObjectNode().put("inputTextTokenCount", result.inputTokens());
            body.putArray("results").addObject()
                    .put("tokenCount", result.outputTokens())
                    .put("outputText", result.text())
                    .put("completionReason", FamilyStopReasons.titan(result.stopReason()));
            return body;
        }

        /** totalOutputTextTokenCount counts what was sent so far; the closing chunk carries the reason. */
        @Override
        public NativeChunks chunks(int inputTokens) {
            return new NativeChunks() {
                private int sent;

                @Override
                public List<ObjectNode> start() {
                    return List.of();
                }

                @Override
                public List<ObjectNode> delta(String text) {
                    return List.of(chunk(text, ++sent, null));
                }

                @Override
                public List<ObjectNode> end(ConverseResult result) {
                    return List.of(chunk("", result.outputTokens(), FamilyStopReasons.titan(result.stopReason())));
                }

                private ObjectNode chunk(String text, int generated, String reason) {
                    return JsonBody.MAPPER.createObjectNode()
                            .put("outputText", text)
                            .put("index", 0)
                            .put("totalOutputTextTokenCount", generated)
                            .put("completionReason", reason)
                            .put("inputTextTokenCount", inputTokens);
                }
            };
        }
    }
}
