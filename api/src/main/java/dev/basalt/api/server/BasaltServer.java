package dev.basalt.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.basalt.platform.config.ServerConfig;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.errors.RequestTooLargeException;
import dev.basalt.platform.errors.ValidationException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.router.EndpointNotFound;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Javalin on Jetty 12 with virtual threads. It owns what every route shares: request
 * ids, the body size limit, authentication, health, readiness and Prometheus metrics, one JSON access-log line per request,
 * error mapping through the request's {@link Protocol}, and graceful shutdown (stop accepting, let
 * in-flight requests finish within {@code server.drainTimeout}).
 */
public final class BasaltServer implements AutoCloseable {
    /** The AWS SDKs read the request id from this header, on successes and errors alike. */
    public static final String REQUEST_ID_HEADER = "x-amzn-RequestId";
    private static final String REQUEST_ID_ATTRIBUTE = "basalt.requestId";
    private static final Logger LOG = LoggerFactory.getLogger(BasaltServer.class);
    private static final Logger ACCESS_LOG = LoggerFactory.getLogger("basalt.access");
    /** Probes for load balancers and Prometheus; everything else needs credentials, unknown routes included. */
    private static final Set<String> UNAUTHENTICATED_PATHS = Set.of("/health", "/ready", "/metrics");

    private final Javalin javalin;
    private final long maxRequestBody;
    private volatile boolean draining;

    private BasaltServer(ServerConfig config, PrometheusMeterRegistry metrics, BooleanSupplier ready,
                         RequestAuthenticator authenticator, List<ApiRoutes> apis) {
        this.maxRequestBody = config.maxRequestBody().bytes();
        this.javalin = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            // HTTP/1.1 and h2c on one port: the AWS SDKs' async clients (Netty) open HTTP/2 with prior knowledge.
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http),
                        new PriorKnowledgeH2c(http));
                connector.setHost(config.host());
                connector.setPort(config.port());
                return connector;
            });
            cfg.http.maxRequestSize = maxRequestBody;
            cfg.jetty.modifyServer(server -> {
                // Graceful stop: connectors stop accepting, GracefulHandler waits for in-flight requests.
                server.setStopTimeout(config.drainTimeout().toMillis());
                server.insertHandler(new GracefulHandler());
            });
            cfg.routes.before(ctx -> {
                beginRequest(ctx, maxRequestBody);
                if (!UNAUTHENTICATED_PATHS.contains(ctx.path())) {
                    authenticator.authenticate(ctx);
                }
            });
            cfg.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
            cfg.routes.get("/ready", ctx -> {
                boolean isReady = !draining && ready.getAsBoolean();
                ctx.status(isReady ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                        .json(Map.of("status", isReady ? "ready" : draining ? "draining" : "not ready"));
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            apis.forEach(api -> api.register(cfg.routes));
            cfg.routes.exception(HttpResponseException.class, this::handleError);
            cfg.routes.exception(Exception.class, this::handleError);
            cfg.requestLogger.http((ctx, ms) -> finishRequest(ctx, ms, metrics));
        });
    }

    /**
     * h2c for clients that open HTTP/2 directly; an HTTP/1.1 {@code Upgrade: h2c} (java.net.http asks for it) is
     * declined, so such clients go on with HTTP/1.1, which serves them as well: an upgraded connection's first request
     * is reset by Jetty on graceful shutdown instead of being allowed to finish.
     */
    private static final class PriorKnowledgeH2c extends HTTP2CServerConnectionFactory {
        PriorKnowledgeH2c(HttpConfiguration http) {
            super(http);
        }

        @Override
        public Connection upgradeConnection(Connector connector, EndPoint endPoint, MetaData.Request request,
                                            HttpFields.Mutable response101) {
            // Jetty reads the prior-knowledge preface as a request with method PRI and upgrades it here too.
            return "PRI".equals(request.getMethod())
                    ? super.upgradeConnection(connector, endPoint, request, response101) : null;
        }
    }

    /** Starts a server and returns once it accepts connections. */
    public static BasaltServer start(ServerConfig config, PrometheusMeterRegistry metrics, BooleanSupplier ready,
                                     RequestAuthenticator authenticator, List<ApiRoutes> apis) {
        BasaltServer server = new BasaltServer(config, metrics, ready, authenticator, apis);
        server.javalin.start();
        return server;
    }

    public int port() {
        return javalin.port();
    }

    public URI uri(String host) {
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /** The request id of the request {@code ctx} belongs to. */
    public static String requestId(Context ctx) {
        return (String) ctx.attribute(REQUEST_ID_ATTRIBUTE);
    }

    private static void beginRequest(Context ctx, long maxBody) {
        String id = UUID.randomUUID().toString();
        ctx.attribute(REQUEST_ID_ATTRIBUTE, id);
        ctx.header(REQUEST_ID_HEADER, id);
        if (Protocol.of(ctx.path()) == Protocol.OPENAI) {
            ctx.header("x-request-id", id);
        }
        // Refuse a declared oversize body before reading a byte of it; chunked bodies are cut off while read.
        if (ctx.contentLength() > maxBody) {
            throw tooLarge(maxBody);
        }
    }

    private static RequestTooLargeException tooLarge(long maxBody) {
        return new RequestTooLargeException("The request body exceeds the maximum size of " + maxBody + " bytes.");
    }

    private void handleError(Exception e, Context ctx) {
        ProtocolErrors errors = Protocol.of(ctx.path()).errors();
        if (e instanceof EndpointNotFound) {
            errors.unknownRoute(ctx);
            return;
        }
        BasaltException error = switch (e) {
            case BasaltException known -> known;
            case HttpResponseException h when h.getStatus() == HttpStatus.CONTENT_TOO_LARGE.getCode() ->
                    tooLarge(maxRequestBody);
            case HttpResponseException h when h.getStatus() < 500 -> new ValidationException(h.getMessage());
            default -> new InternalException(e);
        };
        if (error instanceof InternalException) {
            LOG.error("request {} {} {} failed", requestId(ctx), ctx.method(), ctx.path(), e);
        }
        errors.write(ctx, error);
    }

    private static void finishRequest(Context ctx, float millis, PrometheusMeterRegistry metrics) {
        String route = routeOf(ctx);
        String status = Integer.toString(ctx.statusCode());
        Timer.builder("http.server.requests")
                .description("HTTP requests by route and status")
                .tags("method", ctx.method().name(), "route", route, "status", status)
                .register(metrics)
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("requestId", requestId(ctx));
        line.put("method", ctx.method().name());
        line.put("route", route);
        line.put("path", ctx.path());
        line.put("status", ctx.statusCode());
        line.put("latencyMs", Math.round(millis * 1000) / 1000.0);
        try {
            ACCESS_LOG.info(JsonBody.MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The matched route template (bounded cardinality for metrics), or "unmatched". */
    private static String routeOf(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null || endpoint.path.isEmpty() ? "unmatched" : endpoint.path;
    }

    /**
     * Stops gracefully: readiness turns 503, connectors stop accepting, and in-flight requests get up to
     * the drain timeout to finish before connections are closed.
     */
    @Override
    public void close() {
        draining = true;
        javalin.stop();
    }
}
