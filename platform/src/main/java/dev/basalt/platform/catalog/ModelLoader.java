package dev.basalt.platform.catalog;

import dev.basalt.engine.LanguageModel;
import dev.basalt.platform.chat.ChatTemplate;
import dev.basalt.platform.chat.SpecialTokens;
import java.io.IOException;
import java.nio.file.Path;

/** Loads a model file for serving. The registry's seam: tests wrap {@link #ENGINE} to hold a load back. */
@FunctionalInterface
public interface ModelLoader {
    RegisteredModel load(String id, Path file, LanguageModel.Options options) throws IOException;

    /** The engine's loader, with the model's chat template. */
    ModelLoader ENGINE = (id, file, options) -> {
        LanguageModel model = LanguageModel.load(file, options);
        try {
            var info = model.info();
            ChatTemplate template = ChatTemplate.forModel(info.chatTemplate(),
                    new SpecialTokens(nullToEmpty(info.bosToken()), nullToEmpty(info.eosToken())));
            return new RegisteredModel(id, file, model, template);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    };

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
