package dev.basalt.platform.runtime;

import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.Completion;
import dev.basalt.engine.scheduler.EngineBusyException;
import dev.basalt.engine.scheduler.Generation;
import dev.basalt.engine.scheduler.GenerationListener;
import dev.basalt.engine.scheduler.GenerationRequest;
import dev.basalt.engine.scheduler.TokenEvent;
import dev.basalt.platform.catalog.RegisteredModel;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ChatRole;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.ThrottledException;
import dev.basalt.platform.errors.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Converse and CountTokens on a registered model. */
public final class ConverseService {
    private static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    /** Runs the conversation to completion; the caller's thread waits (the engine runs on its own threads). */
    public ConverseResult converse(RegisteredModel model, List<ChatMessage> messages, SamplingParams sampling) {
        int limit = model.model().info().contextLength();
        if (sampling.maxTokens() > limit) {
            throw new ValidationException("The maximum tokens you requested (" + sampling.maxTokens()
                    + ") exceeds the model limit of " + limit + ". Try again with a lower maximum tokens value.");
        }
        int[] prompt = prompt(model, messages);
        long start = System.nanoTime();
        StringBuilder text = new StringBuilder();
        CompletableFuture<Completion> done = new CompletableFuture<>();
        Generation generation = start(model, new GenerationRequest(prompt, sampling), new GenerationListener() {
            @Override
            public void onToken(TokenEvent event) {
                text.append(event.text());
            }

            @Override
            public void onComplete(Completion completion) {
                done.complete(completion);
            }

            @Override
            public void onError(RuntimeException error) {
                done.completeExceptionally(error);
            }
        });
        try {
            Completion completion = done.get();
            return new ConverseResult(text.toString(), completion.stopReason(), completion.promptTokens(),
                    completion.completionTokens(), Duration.ofNanos(System.nanoTime() - start).toMillis());
        } catch (InterruptedException e) {
            generation.cancel();
            Thread.currentThread().interrupt();
            throw new InternalException(e);
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        }
    }

    /** How many tokens the conversation's prompt takes on this model. */
    public int countTokens(RegisteredModel model, List<ChatMessage> messages) {
        return prompt(model, messages).length;
    }

    /**
     * The prompt tokens: the conversation rendered by the model's chat template. Templates that write the BOS
     * token themselves get no second one from the tokenizer.
     */
    private static int[] prompt(RegisteredModel model, List<ChatMessage> messages) {
        ConversationRules.check(messages);
        String rendered = model.chatTemplate().render(messages, List.of(), true);
        String bos = model.model().info().bosToken();
        boolean templateWroteBos = bos != null && !bos.isEmpty() && rendered.startsWith(bos);
        return model.model().tokenizer().encode(rendered, !templateWroteBos, true);
    }

    private static Generation start(RegisteredModel model, GenerationRequest request, GenerationListener listener) {
        try {
            return model.model().generate(request, listener);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static RuntimeException translate(Throwable error) {
        return switch (error) {
            case EngineBusyException e -> new ThrottledException("Too many requests, please wait before trying again. ("
                    + e.getMessage() + ")", BUSY_RETRY_AFTER);
            case IllegalArgumentException e -> new ValidationException(e.getMessage());
            case RuntimeException e -> e;
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
