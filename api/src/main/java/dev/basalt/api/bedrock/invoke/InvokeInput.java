package dev.basalt.api.bedrock.invoke;

import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.providers.ModelGateway;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.runtime.ConverseStream;

/**
 * What a native body asks the model to continue: a conversation, rendered by the model's chat template (message
 * families), or a prompt the caller formatted already, tokenized as it is (prompt families).
 */
public sealed interface InvokeInput {
    ConverseStream start(ModelGateway models, ConverseService service, ModelGateway.Target target,
                         SamplingParams sampling);

    /** The prompt's size in tokens on a local model (its own tokenizer counts it). */
    int countTokens(ConverseService service, ServedModel model);

    /** A conversation, with the tools it may call; its sampling is the invocation's. It runs on local and remote models. */
    record Conversation(ConverseRequest request) implements InvokeInput {
        @Override
        public ConverseStream start(ModelGateway models, ConverseService service, ModelGateway.Target target,
                                    SamplingParams sampling) {
            return models.stream(target, request);
        }

        @Override
        public int countTokens(ConverseService service, ServedModel model) {
            return service.countTokens(model, request.messages(), request.tools());
        }
    }

    /** A prompt as written: only a local model's own tokenizer can take it. */
    record Prompt(String text) implements InvokeInput {
        @Override
        public ConverseStream start(ModelGateway models, ConverseService service, ModelGateway.Target target,
                                    SamplingParams sampling) {
            return switch (target) {
                case ModelGateway.Local(ServedModel model) -> service.streamPrompt(model, text, sampling);
                case ModelGateway.Remote remote -> throw new ValidationException("Prompt bodies (Llama, Titan, "
                        + "Mistral) are not available for " + remote.id() + ", which the remote provider "
                        + remote.route().provider().name() + " serves; send an Anthropic Messages body or use Converse.");
            };
        }

        @Override
        public int countTokens(ConverseService service, ServedModel model) {
            return service.countPromptTokens(model, text);
        }
    }
}
