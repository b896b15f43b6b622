package dev.basalt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.platform.catalog.CatalogEntry;
import dev.basalt.platform.catalog.ModelCatalog;
import dev.basalt.platform.catalog.ModelImport;
import dev.basalt.platform.config.DataDirectory;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.storage.Database;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code basalt models import | list | show | rm}: the persistent catalog in the data directory. These commands open
 * the database themselves and work beside a running server (SQLite serialises the writers); the server re-reads the
 * catalog when it lists models or meets an unknown id, so an import shows up there without a restart.
 */
final class CatalogCommands {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CatalogCommands() {}

    /** The {@code --data} option and the catalog it opens. */
    static final class DataOption {
        @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default $BASALT_DATA or ~/.basalt).")
        Path data;

        Path directory() throws java.io.IOException {
            return DataDirectory.ensureExists(DataDirectory.resolve(data, System.getenv()));
        }
    }

    /** Runs {@code work} on the data directory's catalog. */
    interface CatalogWork {
        int run(ModelCatalog catalog, ModelImport imports, PrintWriter out) throws Exception;
    }

    static int withCatalog(DataOption data, CommandLine.Model.CommandSpec spec, CatalogWork work) throws Exception {
        Path dir = data.directory();
        try (Database database = Database.openSqlite(dir)) {
            ModelCatalog catalog = new ModelCatalog(database);
            PrintWriter out = spec.commandLine().getOut();
            int code = work.run(catalog, new ModelImport(catalog, dir, Clock.systemUTC()), out);
            out.flush();
            return code;
        }
    }

    @Command(name = "import", description = {
            "Add a local GGUF model to the catalog, so that basalt serve serves it (loaded on first use).",
            "The file is checked by loading it; it stays where it is unless --copy copies it into DIR/models/imported/."})
    static final class Import implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "A .gguf file, or a Hugging Face model folder (converted to GGUF "
                + "into the data directory; see basalt models convert).")
        Path file;

        @Option(names = "--id", required = true, description = "Model id, e.g. basalt.tinyllama (letters, digits, . - _ :).")
        String id;

        @Option(names = "--name", description = "Display name (default: the model's general.name).")
        String name;

        @Option(names = "--copy", description = "Copy the file into the data directory (then basalt models rm deletes it).")
        boolean copy;

        @Option(names = "--type", paramLabel = "TYPE",
                description = "For a folder: matrix format f32, f16, bf16 or q8_0 (default ${DEFAULT-VALUE}).")
        String type = "q8_0";

        @CommandLine.Mixin
        DataOption data = new DataOption();

        @Override
        public Integer call() throws Exception {
            return withCatalog(data, spec, (catalog, imports, out) -> {
                CatalogEntry entry;
                if (Files.isDirectory(file)) {
                    ProgressBar bar = ProgressBar.forStderr(spec.commandLine().getErr(), file.getFileName().toString(),
                            ProgressBar.Unit.BYTES);
                    entry = imports.importFolder(file, id, name, ConvertCommand.weightType(type), bar::update);
                    bar.finish("models: converted " + file);
                } else {
                    entry = imports.importFile(file, id, name, copy);
                }
                out.printf("imported %s (%s, %s, %s) from %s%n", entry.id(), entry.name(), entry.architecture(),
                        ProgressBar.amount(entry.sizeBytes(), ProgressBar.Unit.BYTES), entry.path());
                return 0;
            });
        }
    }

    @Command(name = "list", description = "List the models of the catalog.")
    static final class ListModels implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print JSON (an array of the models' fields).")
        boolean json;

        @CommandLine.Mixin
        DataOption data = new DataOption();

        @Override
        public Integer call() throws Exception {
            return withCatalog(data, spec, (catalog, imports, out) -> {
                List<CatalogEntry> entries = catalog.list();
                if (json) {
                    ArrayNode array = JSON.createArrayNode();
                    entries.forEach(e -> array.add(toJson(e)));
                    out.println(JSON.writeValueAsString(array));
                } else if (entries.isEmpty()) {
                    out.println("no models in the catalog; add one with basalt models import FILE --id ID or basalt models pull");
                } else {
                    printTable(out, entries);
                }
                return 0;
            });
        }

        private static void printTable(PrintWriter out, List<CatalogEntry> entries) {
            int idWidth = Math.max(2, entries.stream().mapToInt(e -> e.id().length()).max().orElse(0));
            int nameWidth = Math.max(4, entries.stream().mapToInt(e -> e.name().length()).max().orElse(0));
            String format = "%-" + idWidth + "s  %-" + nameWidth + "s  %10s  %-8s  %s%n";
            out.printf(format, "ID", "NAME", "SIZE", "ARCH", "SOURCE");
            for (CatalogEntry e : entries) {
                out.printf(format, e.id(), e.name(), ProgressBar.amount(e.sizeBytes(), ProgressBar.Unit.BYTES),
                        e.architecture(), e.source().wireName());
            }
        }
    }

    @Command(name = "show", description = "Show every field of one catalogued model.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--verify", description = "Also check the file against the SHA-256 recorded at import (reads it all).")
        boolean verify;

        @CommandLine.Mixin
        DataOption data = new DataOption();

        @Override
        public Integer call() throws Exception {
            return withCatalog(data, spec, (catalog, imports, out) -> {
                CatalogEntry entry = catalog.find(id)
                        .orElseThrow(() -> new NotFoundException("no model '" + id + "' in the catalog"));
                ObjectNode fields = toJson(entry);
                if (verify) {
                    fields.put("verified", imports.verify(id));
                }
                if (json) {
                    out.println(JSON.writeValueAsString(fields));
                } else {
                    fields.properties().forEach(f -> out.printf("%-14s %s%n", f.getKey() + ":", f.getValue().asText()));
                }
                return verify && !fields.get("verified").asBoolean() ? 1 : 0;
            });
        }
    }

    @Command(name = "rm", description = {"Remove a model from the catalog.",
            "Its file is deleted when Basalt owns it (copied imports, hub pulls) unless --keep-file."})
    static final class Remove implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--keep-file", description = "Keep the model file even when Basalt owns it.")
        boolean keepFile;

        @CommandLine.Mixin
        DataOption data = new DataOption();

        @Override
        public Integer call() throws Exception {
            return withCatalog(data, spec, (catalog, imports, out) -> {
                CatalogEntry entry = imports.remove(id, keepFile);
                out.println("removed " + entry.id() + (entry.source().ownsFile() && !keepFile
                        ? " and deleted " + entry.path() : "; its file stays at " + entry.path()));
                return 0;
            });
        }
    }

    static ObjectNode toJson(CatalogEntry e) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", e.id())
                .put("name", e.name())
                .put("source", e.source().wireName());
        if (e.hubRef() != null) {
            node.put("hubRef", e.hubRef());
        }
        return node.put("path", e.path().toString())
                .put("sizeBytes", e.sizeBytes())
                .put("sha256", e.sha256())
                .put("architecture", e.architecture())
                .put("contextLength", e.contextLength())
                .put("createdAt", e.createdAt().toString());
    }
}
