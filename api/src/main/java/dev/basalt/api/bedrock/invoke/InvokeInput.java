package dev.basalt.api.bedrock.invoke;

import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.runtime.ConverseStream;

/**
 * What a native body asks the model to continue: a conversation, rendered by the model's chat template (message
 * families), or a prompt the caller formatted already, tokenized as it is (prompt families).
 */
public sealed interface InvokeInput {
    ConverseStream start(ConverseService service, ServedModel model, SamplingParams sampling);

    int countTokens(ConverseService service, ServedModel model);

    /** A conversation, with the tools it may call; its sampling is the invocation's. */
    record Conversation(ConverseRequest request) implements InvokeInput {
        @Override
        public ConverseStream start(ConverseService service, ServedModel model, SamplingParams sampling) {
            return service.stream(model, request);
        }

        @Override
        public int countTokens(ConverseService service, ServedModel model) {
            return service.countTokens(model, request.messages(), request.tools());
        }
    }

    record Prompt(String text) implements InvokeInput {
        @Override
        public ConverseStream start(ConverseService service, ServedModel model, SamplingParams sampling) {
            return service.streamPrompt(model, text, sampling);
        }

        @Override
        public int countTokens(ConverseService service, ServedModel model) {
            return service.countPromptTokens(model, text);
        }
    }
}
