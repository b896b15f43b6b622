package dev.basalt.platform.runtime;

import dev.basalt.engine.grammar.JsonConstraint;
import dev.basalt.engine.grammar.JsonSchemaGrammar;
import dev.basalt.engine.sampling.SamplingParams;
import dev.basalt.engine.scheduler.EngineBusyException;
import dev.basalt.engine.scheduler.GenerationRequest;
import dev.basalt.engine.tokenizer.Tokenizer;
import dev.basalt.platform.catalog.ModelLease;
import dev.basalt.platform.catalog.RegisteredModel;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.chat.ChatMessage;
import dev.basalt.platform.chat.ChatRole;
import dev.basalt.platform.chat.ToolDefinition;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.ServiceUnavailableException;
import dev.basalt.platform.errors.ThrottledException;
import dev.basalt.platform.errors.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Converse and CountTokens on a served model. Each call holds a {@link ModelLease} on the model (loading it if
 * needed) for as long as it uses it: a stream until it is closed, a count until it returns.
 */
public final class ConverseService {
    private static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);
    /**
     * Tool choice {@code any} among several tools first generates only the tool's name ({@code {"name": ...}}, see
     * {@link ToolCallGrammar#choosingTool}), then the call with that tool's grammar: the decoding grammar cannot
     * hold several object alternatives at once. A name is at most 64 characters, which this budget covers.
     */
    private static final int CHOOSE_TOOL_MAX_TOKENS = 96;
    /** The tool-choosing stream runs inside the lease of the reply that follows it. */
    private static final Runnable NOTHING_TO_RELEASE = () -> { };

    private final Duration requestTimeout;

    /** Every invocation must end within {@code requestTimeout} (see {@code inference.requestTimeout}). */
    public ConverseService(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** Runs the conversation to completion; the caller's thread waits (the engine runs on its own threads). */
    public ConverseResult converse(ServedModel model, ConverseRequest request) {
        try (ConverseStream stream = stream(model, request)) {
            return stream.await();
        }
    }

    /**
     * Starts the conversation and returns its events as they are generated. Problems found before generation
     * starts (validation, a full engine queue) are thrown here, so a protocol can still answer them with an
     * ordinary error response; later failures arrive as a {@link ConverseStream.Failed} event.
     */
    public ConverseStream stream(ServedModel served, ConverseRequest request) {
        ModelLease lease = served.acquire();
        try {
            return stream(lease, request);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private ConverseStream stream(ModelLease lease, ConverseRequest request) {
        RegisteredModel model = lease.model();
        SamplingParams sampling = request.sampling();
        checkMaxTokens(model, sampling);
        int[] prompt = prompt(model, request.messages(), request.tools());
        ToolChoice choice = request.toolChoice();
        int choosingTokens = 0;
        if (choice instanceof ToolChoice.Any && request.tools().size() > 1) {
            ConverseResult chosen;
            try (ConverseStream choosing = start(model, prompt, sampling.withMaxTokensAndNoStop(CHOOSE_TOOL_MAX_TOKENS),
                    ToolCallGrammar.choosingTool(request.tools()), ReplyReader.PlainText::new, 0, NOTHING_TO_RELEASE)) {
                chosen = choosing.await();
            }
            choice = new ToolChoice.Named(ToolCallGrammar.chosenTool(chosen.text(), request.tools()));
            choosingTokens = chosen.outputTokens();
        }
        JsonConstraint constraint = choice instanceof ToolChoice.Auto
                ? responseConstraint(request.responseFormat())
                : ToolCallGrammar.forChoice(request.tools(), choice);
        return start(model, prompt, sampling, constraint, out -> ReplyReader.forRequest(request, out), choosingTokens,
                lease::close);
    }

    /**
     * Like {@link #stream} for a prompt the caller already formatted (InvokeModel's prompt-style bodies): the text
     * is tokenized as it is, special tokens included, with no chat template.
     */
    public ConverseStream streamPrompt(ServedModel served, String prompt, SamplingParams sampling) {
        ModelLease lease = served.acquire();
        try {
            RegisteredModel model = lease.model();
            checkMaxTokens(model, sampling);
            return start(model, tokenize(model, prompt), sampling, null, ReplyReader.PlainText::new, 0, lease::close);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** How many tokens a caller-formatted prompt takes on this model (see {@link #streamPrompt}). */
    public int countPromptTokens(ServedModel served, String prompt) {
        try (ModelLease lease = served.acquire()) {
            return tokenize(lease.model(), prompt).length;
        }
    }

    private static void checkMaxTokens(RegisteredModel model, SamplingParams sampling) {
        int limit = model.model().info().contextLength();
        if (sampling.maxTokens() > limit) {
            throw new ValidationException("The maximum tokens you requested (" + sampling.maxTokens()
                    + ") exceeds the model limit of " + limit + ". Try again with a lower maximum tokens value.");
        }
    }

    private ConverseStream start(RegisteredModel model, int[] prompt, SamplingParams sampling, JsonConstraint constraint,
                                 Function<ReplyBuilder, ReplyReader> readers, int earlierOutputTokens, Runnable release) {
        try {
            GenerationRequest generation = new GenerationRequest(prompt, sampling, constraint); // empty: a validation error
            Tokenizer tokenizer = model.model().tokenizer();
            return ConverseStream.start(listener -> model.model().generate(generation, listener), readers,
                    ConverseService::translate, earlierOutputTokens, requestTimeout,
                    token -> token >= 0 && !tokenizer.isEndOfGeneration(token), release);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static JsonConstraint responseConstraint(ResponseFormat format) {
        return switch (format) {
            case ResponseFormat.Text t -> null;
            case ResponseFormat.JsonObject o -> JsonSchemaGrammar.anyObject();
            case ResponseFormat.JsonSchema(String schema) -> {
                try {
                    yield JsonSchemaGrammar.compile(schema);
                } catch (IllegalArgumentException e) {
                    throw new ValidationException("The response schema cannot be used: " + e.getMessage());
                }
            }
        };
    }

    /** How many tokens the conversation's prompt takes on this model. */
    public int countTokens(ServedModel served, List<ChatMessage> messages, List<ToolDefinition> tools) {
        try (ModelLease lease = served.acquire()) {
            return prompt(lease.model(), messages, tools).length;
        }
    }

    /** The prompt tokens: the conversation rendered by the model's chat template. */
    private static int[] prompt(RegisteredModel model, List<ChatMessage> messages, List<ToolDefinition> tools) {
        ConversationRules.check(messages);
        return tokenize(model, model.chatTemplate().render(messages, tools, true));
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
            // The engine refuses work while the model is being unloaded; the caller may retry elsewhere or later.
            case IllegalStateException e -> new ServiceUnavailableException("The model is not available right now ("
                    + e.getMessage() + "). Try again later.");
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
                if (sameTurn(turns.get(i - 1), turns.get(i))) {
                    continue;
                }
                if (isAssistant(turns.get(i)) == isAssistant(turns.get(i - 1))) {
                    throw new ValidationException("A conversation must alternate between user and assistant roles. "
                            + "Make sure the conversation alternates between user and assistant roles and try again.");
                }
            }
        }

        /** Tool results, and text after them, come from one user turn (Bedrock puts them in one message). */
        private static boolean sameTurn(ChatMessage previous, ChatMessage next) {
            return previous.role() == ChatRole.TOOL && next.role() != ChatRole.ASSISTANT;
        }

        private static boolean isAssistant(ChatMessage m) {
            return m.role() == ChatRole.ASSISTANT;
        }
    }
}
