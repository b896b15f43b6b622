package dev.basalt.platform.catalog;

import dev.basalt.platform.errors.ValidationException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The rule for model ids, shared by the catalog and the runtime registry, and ids derived from hub references. */
public final class ModelIds {
    /** Bedrock model ids: letters, digits and {@code . - _ :}, as in {@code meta.llama3-2-1b-instruct-v1:0}. */
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final int MAX_LENGTH = 128;

    private ModelIds() {}

    /** Returns {@code id} when it is a valid model id; otherwise a {@link ValidationException} saying the rule. */
    public static String check(String id) {
        if (id == null || !MODEL_ID.matcher(id).matches()) {
            throw new ValidationException("invalid model id '" + id + "': use letters, digits and . - _ : (at most 128)");
        }
        return id;
    }

    /**
     * The id a pulled model gets by default: {@code hf.ORG.REPO-TAG}, lower-cased, where TAG is the quantization tag
     * the user asked for or else the file's name without {@code .gguf}; other characters become {@code -}.
     */
    public static String forHubModel(String org, String repo, String quant, String fileName) {
        String tag = quant != null ? quant : fileName.replaceFirst("(?i)\\.gguf$", "");
        String id = ("hf." + org + "." + repo + "-" + tag).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._:-]", "-");
        return check(id.length() > MAX_LENGTH ? id.substring(0, MAX_LENGTH) : id);
    }
}
