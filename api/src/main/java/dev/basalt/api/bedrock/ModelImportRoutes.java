package dev.basalt.api.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.api.server.ApiRoutes;
import dev.basalt.api.server.JsonBody;
import dev.basalt.platform.catalog.CatalogEntry;
import dev.basalt.platform.catalog.ImportJobs;
import dev.basalt.platform.catalog.ModelCatalog;
import dev.basalt.platform.catalog.ModelImport;
import dev.basalt.platform.catalog.ModelRegistry;
import dev.basalt.platform.catalog.ModelSource;
import dev.basalt.platform.errors.NotFoundException;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.jobs.Job;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Custom model import in the {@code bedrock} control plane: CreateModelImportJob, GetModelImportJob,
 * ListModelImportJobs, and the imported models they make (ListImportedModels, GetImportedModel,
 * DeleteImportedModel). An imported model is served like any other, by its name or its {@code imported-model} ARN.
 */
public final class ModelImportRoutes implements ApiRoutes {
    /** The account in ARNs of resources this server creates; a self-hosted server has one. */
    private static final String ACCOUNT = "000000000000";
    private static final String ARN_PREFIX = "arn:aws:bedrock:" + BedrockCatalogRoutes.REGION + ":" + ACCOUNT + ":";
    private static final int MAX_RESULTS = 1000;

    private final ImportJobs jobs;
    private final ModelCatalog catalog;
    private final ModelImport imports;
    private final ModelRegistry models;

    public ModelImportRoutes(ImportJobs jobs, ModelCatalog catalog, ModelImport imports, ModelRegistry models) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.imports = imports;
        this.models = models;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/model-import-jobs", this::createJob);
        routes.get("/model-import-jobs", this::listJobs);
        routes.get("/model-import-jobs/<jobIdentifier>", ctx -> ctx.json(describeJob(job(ctx.pathParam("jobIdentifier")))));
        routes.get("/imported-models", this::listModels);
        routes.get("/imported-models/<modelIdentifier>", ctx -> ctx.json(describeModel(model(ctx.pathParam("modelIdentifier")))));
        routes.delete("/imported-models/<modelIdentifier>", this::deleteModel);
    }

    private void createJob(Context ctx) {
        JsonNode body = JsonBody.readTree(ctx);
        JsonNode uri = body.path("modelDataSource").path("s3DataSource").path("s3Uri");
        if (!uri.isTextual()) {
            throw new ValidationException("modelDataSource.s3DataSource.s3Uri is required.");
        }
        Job job = jobs.start(new ImportJobs.Spec(body.path("jobName").asText(null),
                body.path("importedModelName").asText(null), uri.asText()));
        ctx.status(201).json(JsonBody.MAPPER.createObjectNode().put("jobArn", jobArn(job)));
    }

    private void listJobs(Context ctx) {
        String status = ctx.queryParam("statusEquals");
        String name = ctx.queryParam("nameContains");
        List<Job> matching = jobs.list().stream()
                .filter(j -> status == null || status.equals(wireStatus(j)))
                .filter(j -> name == null || jobs.spec(j).jobName().contains(name))
                .sorted(order(ctx, Comparator.comparing(Job::createdAt)))
                .toList();
        ctx.json(page(ctx, matching, "modelImportJobSummaries", this::summarizeJob));
    }

    private void listModels(Context ctx) {
        String name = ctx.queryParam("nameContains");
        List<CatalogEntry> matching = importedModels().stream()
                .filter(m -> name == null || m.id().contains(name))
                .sorted(order(ctx, Comparator.comparing(CatalogEntry::createdAt)))
                .toList();
        ctx.json(page(ctx, matching, "modelSummaries", m -> JsonBody.MAPPER.createObjectNode()
                .put("modelArn", modelArn(m.id())).put("modelName", m.id())
                .put("creationTime", m.createdAt().toString()).put("instructSupported", true)
                .put("modelArchitecture", m.architecture())));
    }

    private void deleteModel(Context ctx) throws IOException {
        imports.remove(model(ctx.pathParam("modelIdentifier")).id(), false);
        models.refresh(); // stop serving it now; requests in flight keep their lease to the end
        ctx.json(JsonBody.MAPPER.createObjectNode());
    }

    /** The newest first unless {@code sortOrder=Ascending}. */
    private static <T> Comparator<T> order(Context ctx, Comparator<T> byCreation) {
        return "Ascending".equals(ctx.queryParam("sortOrder")) ? byCreation : byCreation.reversed();
    }

    /** One page of {@code items}: {@code maxResults} (1..1000) from the offset {@code nextToken} carries. */
    private static <T> ObjectNode page(Context ctx, List<T> items, String field, Function<T, ObjectNode> describe) {
        int max = integer(ctx, "maxResults", MAX_RESULTS, 1, MAX_RESULTS);
        int from = integer(ctx, "nextToken", 0, 0, items.size());
        ObjectNode out = JsonBody.MAPPER.createObjectNode();
        ArrayNode array = out.putArray(field);
        items.subList(from, Math.min(items.size(), from + max)).forEach(i -> array.add(describe.apply(i)));
        if (from + max < items.size()) {
            out.put("nextToken", Integer.toString(from + max));
        }
        return out;
    }

    private static int integer(Context ctx, String name, int absent, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ValidationException(name + " must be a number from " + min + " to " + max + ", got '" + value + "'");
    }

    private Job job(String identifier) {
        return jobs.get(identifier.substring(identifier.lastIndexOf('/') + 1));
    }

    /** Models that were imported (by a job or {@code basalt models import}), not pulled from a hub. */
    private List<CatalogEntry> importedModels() {
        return catalog.list().stream().filter(m -> m.source() != ModelSource.HUB).toList();
    }

    private CatalogEntry model(String identifier) {
        String name = identifier.substring(identifier.lastIndexOf('/') + 1);
        return importedModels().stream().filter(m -> m.id().equals(name)).findFirst()
                .orElseThrow(() -> new NotFoundException("The imported model " + identifier + " does not exist."));
    }

    private ObjectNode summarizeJob(Job job) {
        ImportJobs.Spec spec = jobs.spec(job);
        ObjectNode out = JsonBody.MAPPER.createObjectNode().put("jobArn", jobArn(job)).put("jobName", spec.jobName())
                .put("status", wireStatus(job)).put("creationTime", job.createdAt().toString())
                .put("lastModifiedTime", job.updatedAt().toString()).put("importedModelName", spec.modelName());
        if (job.status().isFinished()) {
            out.put("endTime", job.updatedAt().toString());
        }
        if ("Completed".equals(wireStatus(job))) {
            out.put("importedModelArn", modelArn(spec.modelName()));
        }
        return out;
    }

    private ObjectNode describeJob(Job job) {
        ObjectNode out = summarizeJob(job);
        out.putObject("modelDataSource").putObject("s3DataSource").put("s3Uri", jobs.spec(job).s3Uri());
        if ("Failed".equals(wireStatus(job))) {
            out.put("failureMessage", job.message());
        }
        return out;
    }

    private ObjectNode describeModel(CatalogEntry model) {
        ObjectNode out = JsonBody.MAPPER.createObjectNode().put("modelArn", modelArn(model.id()))
                .put("modelName", model.id()).put("creationTime", model.createdAt().toString())
                .put("modelArchitecture", model.architecture()).put("instructSupported", true);
        jobs.list().stream().filter(j -> jobs.spec(j).modelName().equals(model.id())).findFirst().ifPresent(j -> {
            out.put("jobArn", jobArn(j)).put("jobName", jobs.spec(j).jobName());
            out.putObject("modelDataSource").putObject("s3DataSource").put("s3Uri", jobs.spec(j).s3Uri());
        });
        return out;
    }

    /** Bedrock's job states: InProgress, Completed, Failed. */
    private static String wireStatus(Job job) {
        return switch (job.status()) {
            case QUEUED, RUNNING, STOPPING -> "InProgress";
            case SUCCEEDED -> "Completed";
            case FAILED, STOPPED -> "Failed";
        };
    }

    private static String jobArn(Job job) {
        return ARN_PREFIX + "model-import-job/" + job.id();
    }

    private static String modelArn(String id) {
        return ARN_PREFIX + "imported-model/" + id;
    }
}
