package dev.basalt.platform.catalog;

import dev.basalt.engine.LanguageModel;
import dev.basalt.platform.chat.ChatTemplate;
import dev.basalt.platform.chat.SpecialTokens;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The models this server has loaded, by id. Closing it unloads them all. */
public final class ModelRegistry implements AutoCloseable {
    /** Bedrock model ids: letters, digits and {@code . - _ :}, as in {@code meta.llama3-2-1b-instruct-v1:0}. */
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** The ARN resource types under which Bedrock accepts a model: the id is the last path element. */
    private static final Pattern MODEL_ARN = Pattern.compile(
            "arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]*:(foundation-model|custom-model|imported-model|inference-profile"
                    + "|application-inference-profile|provisioned-model)/(.+)");

    private final Map<String, RegisteredModel> models = new LinkedHashMap<>();

    /** Loads {@code file} and serves it as {@code id}. */
    public synchronized RegisteredModel register(String id, Path file, LanguageModel.Options options) throws IOException {
        if (!MODEL_ID.matcher(id).matches()) {
            throw new ValidationException("invalid model id '" + id + "': use letters, digits and . - _ : (at most 128)");
        }
        if (models.containsKey(id)) {
            throw new ValidationException("model id '" + id + "' is registered twice");
        }
        if (!Files.isRegularFile(file)) {
            throw new ValidationException("model '" + id + "': no model file at " + file.toAbsolutePath());
        }
        LanguageModel model = LanguageModel.load(file, options);
        try {
            var info = model.info();
            ChatTemplate template = ChatTemplate.forModel(info.chatTemplate(),
                    new SpecialTokens(nullToEmpty(info.bosToken()), nullToEmpty(info.eosToken())));
            RegisteredModel registered = new RegisteredModel(id, file, model, template);
            models.put(id, registered);
            return registered;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public synchronized List<RegisteredModel> list() {
        return new ArrayList<>(models.values());
    }

    /** The model named by a Bedrock model id or ARN (URL-decoded); {@link NotFoundException} when none is. */
    public synchronized RegisteredModel resolve(String modelIdOrArn) {
        String id = modelIdOrArn;
        var arn = MODEL_ARN.matcher(modelIdOrArn);
        if (arn.matches()) {
            id = arn.group(2);
            // Cross-region inference profiles prefix the model id with a geography (us., eu., apac., global.).
            if (arn.group(1).endsWith("inference-profile") && !models.containsKey(id)) {
                id = id.substring(id.indexOf('.') + 1);
            }
        }
        RegisteredModel model = models.get(id);
        if (model == null) {
            throw new NotFoundException("The model " + modelIdOrArn + " does not exist. Models served here: "
                    + (models.isEmpty() ? "none (start the server with --model ID=PATH)" : String.join(", ", models.keySet())));
        }
        return model;
    }

    @Override
    public synchronized void close() {
        models.values().forEach(m -> m.model().close());
        models.clear();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
