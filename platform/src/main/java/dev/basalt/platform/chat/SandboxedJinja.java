package dev.basalt.platform.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.InvalidArgumentException;
import com.hubspot.jinjava.interpret.InvalidInputException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.MacroTagCycleException;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;
import jinjava.javax.el.CompositeELResolver;

/**
 * Jinjava configured to render Hugging Face chat templates as Python Jinja2 does under transformers
 * (trim_blocks, lstrip_blocks, Python string methods and tests, tojson, raise_exception, strftime_now; source
 * differences are bridged by {@link TemplateSourceRewriter}), and
 * sandboxed: no template loading (include/import/extends are disabled and the resource locator refuses every
 * name), and every render is bounded by {@link TemplateLimits}.
 */
final class SandboxedJinja {

    /** The budget of the render running on this thread; renders are synchronous, so a thread-local is exact. */
    private static final ThreadLocal<RenderBudget> BUDGET = new ThreadLocal<>();

    /** Fully qualified Java class names in Jinjava's messages; clients see only the simple name. */
    private static final Pattern QUALIFIED_CLASS = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_$]*)");

    private final Jinjava jinjava;
    private final Queue<Context> globalContexts = new ConcurrentLinkedQueue<>();
    private volatile Node parsedTree;
    private final TemplateLimits limits;
    private final String source;

    /** A renderer for one template source (as written by the model's authors; rewritten here for Jinjava). */
    SandboxedJinja(String templateSource, TemplateLimits limits, Clock clock) {
        this.source = TemplateSourceRewriter.rewrite(templateSource);
        this.limits = limits;
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        Map<Context.Library, Set<String>> disabled = new EnumMap<>(Context.Library.class);
        disabled.put(Context.Library.TAG, Set.of("include", "import", "from", "extends"));
        JinjavaConfig config = JinjavaConfig.newBuilder()
                // trim_blocks and lstrip_blocks are applied by TemplateSourceRewriter: Jinjava's lstrip also eats
                // spaces between an expression and a block tag on the same line, which Jinja2 keeps.
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withElResolver(resolver)
                .withDisabled(disabled)
                .withMaxOutputSize(limits.maxOutputChars())
                .withMaxStringLength(limits.maxOutputChars())
                .withRangeLimit(limits.maxRangeSize())
                .withMaxRenderDepth(limits.maxDepth())
                .withMaxMacroRecursionDepth(limits.maxDepth())
                .withEnableRecursiveMacroCalls(true)
                .withTimeZone(clock.getZone())
                .withDateTimeProvider(clock::millis)
                .withNodePreProcessor(SandboxedJinja::charge)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .withUsePyishObjectMapper(true) // print dicts and lists as Python does: {'k': 1}
                        .build())
                .build();
        jinjava = new Jinjava(config);
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new IOException("chat templates cannot load other templates");
        });
        for (PythonFilters filter : PythonFilters.values()) {
            jinjava.registerFilter(filter);
        }
        for (PythonTests test : PythonTests.values()) {
            jinjava.getGlobalContext().registerExpTest(test);
        }
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", TemplateFunctions.class,
                "raiseException", Object.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", TemplateFunctions.class,
                "strftimeNow", String.class));
    }

    String render(Map<String, Object> variables) {
        BUDGET.set(new RenderBudget(limits));
        RenderResult result;
        try {
            result = renderOnPooledContext(variables);
        } catch (RenderBudget.Exhausted e) {
            throw limitExceeded(e.getMessage());
        } finally {
            BUDGET.remove();
        }
        for (TemplateError error : result.getErrors()) {
            // Jinjava reports runaway macro recursion as a warning and renders nothing; Jinja2 raises.
            if (error.getSeverity() == TemplateError.ErrorType.FATAL
                    || error.getException() instanceof MacroTagCycleException) {
                throw translate(error);
            }
        }
        return result.getOutput();
    }

    /**
     * What {@code Jinjava.renderForResult} does, minus its per-render copy of the global context: building that copy
     * registers every filter, function and tag again by reflection, most of a short render's time. A copy is taken
     * from a pool instead and reset afterwards (as Jinjava resets its global context), so concurrent renders never
     * share one.
     */
    private RenderResult renderOnPooledContext(Map<String, Object> variables) {
        Context global = globalContexts.poll();
        if (global == null) {
            global = jinjava.getGlobalContextCopy();
        }
        Context context = new Context(global, variables, jinjava.getGlobalConfig().getDisabled());
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, context, jinjava.getGlobalConfig());
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            return new RenderResult(interpreter.render(parsed(interpreter), true), interpreter.getContext(),
                    interpreter.getErrorsCopy());
        } catch (TemplateSyntaxException e) {
            return new RenderResult(TemplateError.fromException(e), interpreter.getContext(), interpreter.getErrorsCopy());
        } catch (InterpretException e) {
            return new RenderResult(TemplateError.fromSyntaxError(e), interpreter.getContext(), interpreter.getErrorsCopy());
        } catch (InvalidArgumentException e) {
            return new RenderResult(TemplateError.fromInvalidArgumentException(e), interpreter.getContext(),
                    interpreter.getErrorsCopy());
        } catch (InvalidInputException e) {
            return new RenderResult(TemplateError.fromInvalidInputException(e), interpreter.getContext(),
                    interpreter.getErrorsCopy());
        } catch (RuntimeException e) {
            return new RenderResult(TemplateError.fromException(e), interpreter.getContext(), interpreter.getErrorsCopy());
        } finally {
            JinjavaInterpreter.popCurrent();
            global.reset();
            globalContexts.offer(global);
        }
    }

    /**
     * The template's syntax tree, parsed once: rendering only reads it. A parse with errors is not kept, so every
     * render reports them as the first one did.
     */
    private Node parsed(JinjavaInterpreter interpreter) {
        Node tree = parsedTree;
        if (tree == null) {
            tree = interpreter.parse(source);
            if (interpreter.getErrors().isEmpty()) {
                parsedTree = tree;
            }
        }
        return tree;
    }

    private static void charge(Node node, JinjavaInterpreter interpreter) {
        RenderBudget budget = BUDGET.get();
        if (budget != null) {
            budget.charge();
        }
    }

    private ChatTemplateException translate(TemplateError error) {
        for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
            if (cause instanceof TemplateFunctions.TemplateRaisedException raised) {
                return new ChatTemplateException(ChatTemplateException.Kind.REJECTED, raised.getMessage());
            }
            if (cause instanceof MacroTagCycleException) {
                return limitExceeded("the chat template's macros recurse deeper than " + limits.maxDepth());
            }
            if (cause instanceof OutputTooBigException) {
                return limitExceeded("the prompt is longer than " + limits.maxOutputChars() + " characters");
            }
        }
        return new ChatTemplateException(ChatTemplateException.Kind.INVALID_TEMPLATE,
                "the chat template failed: " + describe(error));
    }

    private static ChatTemplateException limitExceeded(String message) {
        return new ChatTemplateException(ChatTemplateException.Kind.LIMIT_EXCEEDED, message);
    }

    private static String describe(TemplateError error) {
        String message = QUALIFIED_CLASS.matcher(String.valueOf(error.getMessage())).replaceAll("$1");
        return message + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : "");
    }
}
