package dev.basalt.platform.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.engine.gguf.GgmlType;
import dev.basalt.engine.model.Architecture;
import dev.basalt.engine.model.SyntheticModel;
import dev.basalt.platform.errors.ConflictException;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.hub.HubRepoRef;
import dev.basalt.platform.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code models} table and the import / pull registration / removal on top of it, on a temporary SQLite file. */
class ModelCatalogTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path dir;

    private static CatalogEntry entry(String id, Path path) {
        return new CatalogEntry(id, "Model " + id, ModelSource.FILE, null, path, 1234, "ab".repeat(32), "llama", 2048, NOW);
    }

    @Test
    void addsListsFindsAndRemovesAcrossReopening() {
        Path data = dir.resolve("data");
        try (Database db = Database.openSqlite(data)) {
            ModelCatalog catalog = new ModelCatalog(db);
            assertThat(catalog.list()).isEmpty();
            catalog.add(entry("b.two", dir.resolve("two.gguf")));
            catalog.add(new CatalogEntry("a.one", "One", ModelSource.HUB, "hf.co/acme/one:Q8_0", dir.resolve("one.gguf"),
                    99, "cd".repeat(32), "qwen2", 4096, NOW));
        }
        try (Database db = Database.openSqlite(data)) { // migrations already applied: a restart
            ModelCatalog catalog = new ModelCatalog(db);
            assertThat(catalog.list()).extracting(CatalogEntry::id).containsExactly("a.one", "b.two");
            assertThat(catalog.find("a.one")).contains(new CatalogEntry("a.one", "One", ModelSource.HUB,
                    "hf.co/acme/one:Q8_0", dir.resolve("one.gguf"), 99, "cd".repeat(32), "qwen2", 4096, NOW));
            assertThat(catalog.findByPath(dir.resolve("two.gguf"))).map(CatalogEntry::id).contains("b.two");
            assertThat(catalog.remove("b.two")).isTrue();
            assertThat(catalog.remove("b.two")).isFalse();
            assertThat(catalog.find("b.two")).isEmpty();
        }
    }

    @Test
    void refusesDuplicateAndInvalidIds() {
        try (Database db = Database.openSqlite(dir)) {
            ModelCatalog catalog = new ModelCatalog(db);
            catalog.add(entry("basalt.x", dir.resolve("x.gguf")));
            assertThatThrownBy(() -> catalog.add(entry("basalt.x", dir.resolve("y.gguf"))))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("'basalt.x' is already in the catalog");
            assertThatThrownBy(() -> catalog.add(entry("bad id", dir.resolve("y.gguf"))))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("invalid model id 'bad id'");
            assertThat(catalog.list()).hasSize(1);
        }
    }

    @Test
    void importsInPlaceOrCopiedAndRemovesOnlyOwnedFiles() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 1, model);
        Path data = dir.resolve("data");
        try (Database db = Database.openSqlite(data)) {
            ModelCatalog catalog = new ModelCatalog(db);
            ModelImport imports = new ModelImport(catalog, data, Clock.fixed(NOW, ZoneOffset.UTC));

            CatalogEntry inPlace = imports.importFile(model, "basalt.inplace", null, false);
            assertThat(inPlace.path()).isEqualTo(model.toAbsolutePath());
            assertThat(inPlace.source()).isEqualTo(ModelSource.FILE);
            assertThat(inPlace.name()).isEqualTo("basalt-synthetic-llama-tiny");
            assertThat(inPlace.architecture()).isEqualTo("llama");
            assertThat(inPlace.contextLength()).isPositive();
            assertThat(inPlace.sizeBytes()).isEqualTo(Files.size(model));
            assertThat(inPlace.sha256()).hasSize(64);
            assertThat(imports.verify("basalt.inplace")).isTrue();

            CatalogEntry copied = imports.importFile(model, "basalt.copied", "Copied", true);
            assertThat(copied.path()).isEqualTo(data.resolve("models/imported/basalt.copied.gguf")).hasSameBinaryContentAs(model);
            assertThat(copied.name()).isEqualTo("Copied");
            assertThat(copied.sha256()).isEqualTo(inPlace.sha256());

            assertThatThrownBy(() -> imports.importFile(model, "basalt.copied", null, true))
                    .isInstanceOf(ConflictException.class);

            imports.remove("basalt.inplace", false);
            assertThat(model).exists(); // the user's file
            imports.remove("basalt.copied", false);
            assertThat(copied.path()).doesNotExist(); // Basalt's copy
            assertThat(catalog.list()).isEmpty();
            assertThatThrownBy(() -> imports.remove("basalt.copied", false)).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void badFilesAndFoldersAreRefusedWithTheReason() throws Exception {
        Path junk = Files.write(dir.resolve("junk.gguf"), new byte[64]);
        try (Database db = Database.openSqlite(dir.resolve("data"))) {
            ModelImport imports = new ModelImport(new ModelCatalog(db), dir.resolve("data"), Clock.systemUTC());
            assertThatThrownBy(() -> imports.importFile(junk, "basalt.junk", null, false))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("junk.gguf is not a usable GGUF model");
            assertThatThrownBy(() -> imports.importFile(dir, "basalt.folder", null, false))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("has no config.json");
            assertThatThrownBy(() -> imports.importFile(dir.resolve("missing.gguf"), "basalt.m", null, false))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("no model file at");
        }
    }

    @Test
    void pullsRegisterOnceUnderADerivedId() throws Exception {
        Path model = dir.resolve("models/hub/Acme/Tiny-GGUF/tiny-Q8_0.gguf");
        Files.createDirectories(model.getParent());
        SyntheticModel.write(Architecture.LLAMA, SyntheticModel.Shape.TINY, GgmlType.Q8_0, 1, model);
        try (Database db = Database.openSqlite(dir)) {
            ModelImport imports = new ModelImport(new ModelCatalog(db), dir, Clock.systemUTC());
            HubRepoRef ref = HubRepoRef.parse("hf.co/Acme/Tiny-GGUF:Q8_0");
            ModelImport.Registration first = imports.registerPull(ref, model, null, null);
            assertThat(first.alreadyRegistered()).isFalse();
            assertThat(first.entry().id()).isEqualTo("hf.acme.tiny-gguf-q8_0");
            assertThat(first.entry().source()).isEqualTo(ModelSource.HUB);
            assertThat(first.entry().hubRef()).isEqualTo(ref.toString());
            ModelImport.Registration again = imports.registerPull(ref, model, null, "other.id");
            assertThat(again.alreadyRegistered()).isTrue();
            assertThat(again.entry().id()).isEqualTo("hf.acme.tiny-gguf-q8_0");
            imports.remove(first.entry().id(), true);
            assertThat(model).exists(); // --keep-file
        }
    }

    @Test
    void derivedIdsFollowTheIdRule() {
        assertThat(ModelIds.forHubModel("Org", "Repo", null, "Model Name.Q4_K_M.gguf")).isEqualTo("hf.org.repo-model-name.q4_k_m");
        assertThat(ModelIds.forHubModel("o", "r".repeat(200), "Q8_0", "x.gguf")).hasSize(128);
    }
}
