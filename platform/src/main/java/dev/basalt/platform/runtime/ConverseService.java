package dev.basalt.platform.runtime;

import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.EngineBusyException;
import dev.basalt.engine.scheduler.GenerationRequest;
import dev.basalt.platform.catalog.RegisteredModel;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ChatRole;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.ThrottledException;
import dev.basalt.platform.errors.ValidationException;
import java.time.Duration;
import java.util.List;

/** Converse and CountTokens on a registered model. */
public final class ConverseService {
    private static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    /** Runs the conversation to completion; the caller's thread waits (the engine runs on its own threads). */
    public ConverseResult converse(RegisteredModel model, List<ChatMessage> messages, SamplingParams sampling) {
        try (ConverseStream stream = stream(model, messages, sampling)) {
            return stream.await();
        }
    }

    /**
     * Starts the conversation and returns its events as they are generated. Problems found before generation
     * starts (validation, a full engine queue) are thrown here, so a protocol can still answer them with an
     * ordinary error response; later failures arrive as a {@link ConverseStream.Failed} event.
     */
    public ConverseStream stream(RegisteredModel model, List<ChatMessage> messages, SamplingParams sampling) {
        return start(model, prompt(model, messages), sampling);
    }

    /**
     * Like {@link #stream} for a prompt the caller already formatted (InvokeModel's prompt-style bodies): the text
     * is tokenized as it is, special tokens included, with no chat template.
     */
    public ConverseStream streamPrompt(RegisteredModel model, String prompt, SamplingParams sampling) {
        return start(model, tokenize(model, prompt), sampling);
    }

    /** How many tokens a caller-formatted prompt takes on this model (see {@link #streamPrompt}). */
    public int countPromptTokens(RegisteredModel model, String prompt) {
        return tokenize(model, prompt).length;
    }

    private static ConverseStream start(RegisteredModel model, int[] prompt, SamplingParams sampling) {
        int limit = model.model().info().contextLength();
        if (sampling.maxTokens() > limit) {
            throw new ValidationException("The maximum tokens you requested (" + sampling.maxTokens()
                    + ") exceeds the model limit of " + limit + ". Try again with a lower maximum tokens value.");
        }
        try {
            GenerationRequest request = new GenerationRequest(prompt, sampling); // an empty prompt: a validation error
            return ConverseStream.start(listener -> model.model().generate(request, listener),
                    ConverseService::translate);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** How many tokens the conversation's prompt takes on this model. */
    public int countTokens(RegisteredModel model, List<ChatMessage> messages) {
        return prompt(model, messages).length;
    }

    /** The prompt tokens: the conversation rendered by the model's chat template. */
    private static int[] prompt(RegisteredModel model, List<ChatMessage> messages) {
        ConversationRules.check(messages);
        return tokenize(model, model.chatTemplate().render(messages, List.of(), true));
    }

    /**
     * Tokenizes prompt text with its special tokens. Text that already starts with the BOS token (written by a
     * template or by the caller) gets no second one from the tokenizer.
     */
    private static int[] tokenize(RegisteredModel model, String text) {
        String bos = model.model().info().bosToken();
        boolean hasBos = bos != null && !bos.isEmpty() && text.startsWith(bos);
        return model.model().tokenizer().encode(text, !hasBos, true);
    }

    private static BasaltException translate(Throwable error) {
        return switch (error) {
            case BasaltException e -> e;
            case EngineBusyException e -> new ThrottledException("Too many requests, please wait before trying again. ("
                    + e.getMessage() + ")", BUSY_RETRY_AFTER);
            case IllegalArgumentException e -> new ValidationException(e.getMessage());
            default -> new InternalException(error);
        };
    }

    /** Bedrock's rules for a conversation, checked before any work is done. */
    static final class ConversationRules {
        private ConversationRules() {}

        static void check(List<ChatMessage> messages) {
            List<ChatMessage> turns = messages.stream().filter(m -> m.role() != ChatRole.SYSTEM).toList();
            if (turns.isEmpty()) {
                throw new ValidationException("The messages field must contain at least one message.");
            }
            if (turns.getFirst().role() != ChatRole.USER) {
                throw new ValidationException("A conversation must start with a user message. Try again with a "
                        + "conversation that starts with a user message.");
            }
            for (int i = 1; i < turns.size(); i++) {
                if (isAssistant(turns.get(i)) == isAssistant(turns.get(i - 1))) {
                    throw new ValidationException("A conversation must alternate between user and assistant roles. "
                            + "Make sure the conversation alternates between user and assistant roles and try again.");
                }
            }
        }

        private static boolean isAssistant(ChatMessage m) {
            return m.role() == ChatRole.ASSISTANT;
        }
    }
}
