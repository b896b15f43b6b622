package dev.basalt.platform.providers;

import dev.basalt.platform.catalog.ModelRegistry;
import dev.basalt.platform.catalog.ServedModel;
import dev.basalt.platform.errors.ValidationException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseResult;
import dev.basalt.platform.runtime.ConverseService;
import dev.basalt.platform.runtime.ConverseStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a model id leads: a model this server runs, or one a configured remote provider serves (Basalt as a gateway).
 * Conversations work on both; operations that need the model's own tokenizer (token counts, raw prompts,
 * log-probabilities) work on local models only, and say so for remote ones.
 */
public final class ModelGateway {
    /** A model a request names. */
    public sealed interface Target {
        String id();
    }

    public record Local(ServedModel model) implements Target {
        @Override
        public String id() {
            return model.id();
        }
    }

    public record Remote(String id, Providers.Route route) implements Target {}

    private final ModelRegistry local;
    private final ConverseService converse;
    private final Providers remote;

    public ModelGateway(ModelRegistry local, ConverseService converse, Providers remote) {
        this.local = local;
        this.converse = converse;
        this.remote = remote;
    }

    /**
     * The model named by an id or ARN: a local one first, then a provider's;
     * {@link dev.basalt.platform.errors.NotFoundException} otherwise. Only when neither knows the id is the catalog
     * read again (a model imported meanwhile), so a request for a remote model costs no database read.
     */
    public Target resolve(String modelIdOrArn) {
        Optional<ServedModel> known = local.known(modelIdOrArn);
        if (known.isPresent()) {
            return new Local(known.get());
        }
        String id = ModelRegistry.idOf(modelIdOrArn);
        Optional<Providers.Route> route = remote.resolve(id);
        if (route.isPresent()) {
            return new Remote(id, route.get());
        }
        return new Local(local.resolve(modelIdOrArn));
    }

    /** The local model named by an id or ARN; a remote one is a validation error naming {@code operation}. */
    public ServedModel requireLocal(String modelIdOrArn, String operation) {
        return switch (resolve(modelIdOrArn)) {
            case Local(ServedModel model) -> model;
            case Remote(String id, Providers.Route route) -> throw new ValidationException(operation + " is not "
                    + "available for " + id + ", which the remote provider " + route.provider().name() + " serves.");
        };
    }

    public ConverseStream stream(Target target, ConverseRequest request) {
        return switch (target) {
            case Local(ServedModel model) -> converse.stream(model, request);
            case Remote(String id, Providers.Route route) -> route.provider().converse(route.upstreamModelId(), request);
        };
    }

    public ConverseResult converse(Target target, ConverseRequest request) {
        try (ConverseStream stream = stream(target, request)) {
            return stream.await();
        }
    }

    /** Every model a request may name: the local ones, then each reachable provider's. */
    public List<Target> list() {
        List<Target> all = new ArrayList<>();
        local.list().forEach(m -> all.add(new Local(m)));
        for (Map.Entry<String, Providers.Route> e : remote.models().entrySet()) {
            all.add(new Remote(e.getKey(), e.getValue()));
        }
        return all;
    }
}
