package dev.basalt.platform.hub;

import dev.basalt.platform.errors.ValidationException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A model repository on the Hugging Face hub as a user names it: {@code hf.co/ORG/REPO[:QUANT]},
 * {@code ORG/REPO[:QUANT]} or {@code https://huggingface.co/ORG/REPO}.
 *
 * @param org   owner (user or organisation)
 * @param repo  repository name
 * @param quant quantization tag that picks one {@code .gguf} file (Q4_K_M, Q8_0 …), or null
 */
public record HubRepoRef(String org, String repo, String quant) {
    /** The hub's rule for names, minus the length limit: letters, digits, '.', '_' and '-', not starting with '.' or '-'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern QUANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String[] PREFIXES = {"https://huggingface.co/", "http://huggingface.co/", "https://hf.co/",
            "http://hf.co/", "huggingface.co/", "hf.co/"};
    private static final String FORMS = "expected hf.co/ORG/REPO[:QUANT], ORG/REPO[:QUANT] or https://huggingface.co/ORG/REPO";

    public HubRepoRef {
        if (org == null || !NAME.matcher(org).matches() || repo == null || !NAME.matcher(repo).matches()) {
            throw new ValidationException("invalid hub repository '" + org + "/" + repo + "': names hold letters, digits, '.', '_' and '-'");
        }
        if (quant != null && !QUANT.matcher(quant).matches()) {
            throw new ValidationException("invalid quantization tag '" + quant + "' (examples: Q4_K_M, Q8_0)");
        }
    }

    public static HubRepoRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ValidationException("no model given; " + FORMS);
        }
        String s = text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        for (String prefix : PREFIXES) {
            if (lower.startsWith(prefix)) {
                s = s.substring(prefix.length());
                break;
            }
        }
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        String quant = null;
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            quant = s.substring(colon + 1);
            s = s.substring(0, colon);
            if (quant.isEmpty()) {
                throw new ValidationException("empty quantization tag after ':' in '" + text + "'; " + FORMS);
            }
        }
        String[] parts = s.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new ValidationException("cannot read '" + text + "' as a hub model; " + FORMS);
        }
        return new HubRepoRef(parts[0], parts[1], quant);
    }

    /** {@code ORG/REPO}, as the hub's URLs spell it. */
    public String id() {
        return org + "/" + repo;
    }

    @Override
    public String toString() {
        return "hf.co/" + id() + (quant == null ? "" : ":" + quant);
    }
}
