package dev.basalt.platform.hub;

import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Picks the one {@code .gguf} file of a repository to pull: the file named by {@code --file}, else the one whose
 * name holds the quantization tag, else the only model file. A choice that is not unique is an error that lists
 * the files to choose from.
 */
public final class GgufChoice {
    /** llama.cpp's split files: {@code model-00001-of-00003.gguf}. */
    private static final Pattern SPLIT = Pattern.compile("(?i).*-\\d{5}-of-\\d{5}\\.gguf");

    private GgufChoice() {}

    /**
     * @param files    the repository's files
     * @param ref      the repository, with the quantization tag if the user gave one
     * @param fileName the exact file to pull ({@code --file}), or null
     */
    public static HubFile choose(List<HubFile> files, HubRepoRef ref, String fileName) {
        List<HubFile> ggufs = files.stream().filter(f -> f.name().toLowerCase(Locale.ROOT).endsWith(".gguf")).toList();
        if (fileName != null) {
            if (ref.quant() != null) {
                throw new ValidationException("give either a quantization tag (" + ref + ") or --file, not both");
            }
            HubFile file = files.stream().filter(f -> f.name().equals(fileName)).findFirst()
                    .orElseThrow(() -> new NotFoundException("no file '" + fileName + "' in " + ref.id() + "; " + listing(ggufs)));
            return single(file);
        }
        // Vision projectors (mmproj-*.gguf) sit beside the model in multimodal repositories; never the model itself.
        List<HubFile> models = ggufs.stream().filter(f -> !baseName(f).toLowerCase(Locale.ROOT).startsWith("mmproj")).toList();
        if (models.isEmpty()) {
            throw new NotFoundException("no .gguf model file in " + ref.id() + " (Basalt runs GGUF models; look for a GGUF conversion of this model)");
        }
        List<HubFile> matches = ref.quant() == null ? models : withTag(models, ref.quant());
        if (matches.isEmpty()) {
            throw new NotFoundException("no .gguf file in " + ref.id() + " matches the tag '" + ref.quant() + "'; " + listing(models));
        }
        if (matches.size() == 1) {
            return single(matches.getFirst());
        }
        if (matches.stream().allMatch(f -> SPLIT.matcher(f.name()).matches())
                && matches.stream().map(f -> f.name().substring(0, f.name().length() - "-00001-of-00003.gguf".length())).distinct().count() == 1) {
            throw multiPart(matches.getFirst());
        }
        throw new ValidationException(matches.size() + " .gguf files in " + ref.id()
                + (ref.quant() == null ? "" : " match the tag '" + ref.quant() + "'")
                + "; pick one with " + ref.id() + ":QUANT or --file NAME: " + names(matches));
    }

    /**
     * Files whose name holds the tag case-insensitively; where several do, those where it stands as a whole word
     * ({@code Q4_K} is in {@code Q4_K_M} and {@code Q4_K_S}, but as a word only in {@code model.Q4_K.gguf}).
     */
    private static List<HubFile> withTag(List<HubFile> files, String tag) {
        String t = tag.toLowerCase(Locale.ROOT);
        List<HubFile> containing = files.stream().filter(f -> baseName(f).toLowerCase(Locale.ROOT).contains(t)).toList();
        Pattern word = Pattern.compile("(?i)(^|[^a-z0-9_])" + Pattern.quote(tag) + "($|[^a-z0-9_])");
        List<HubFile> whole = containing.stream().filter(f -> word.matcher(baseName(f)).find()).toList();
        return whole.isEmpty() ? containing : whole;
    }

    private static HubFile single(HubFile file) {
        if (SPLIT.matcher(file.name()).matches()) {
            throw multiPart(file);
        }
        return file;
    }

    private static ValidationException multiPart(HubFile file) {
        return new ValidationException("'" + file.name() + "' is one part of a multi-part GGUF model; multi-part models are not supported yet");
    }

    private static String baseName(HubFile f) {
        return f.name().substring(f.name().lastIndexOf('/') + 1);
    }

    private static String listing(List<HubFile> ggufs) {
        return ggufs.isEmpty() ? "the repository holds no .gguf file" : ".gguf files: " + names(ggufs);
    }

    private static String names(List<HubFile> files) {
        return files.stream().map(HubFile::name).collect(Collectors.joining(", "));
    }
}
