package dev.basalt.platform.providers;

import dev.basalt.engine.scheduler.StopReason;
import dev.basalt.platform.config.ProviderConfig;
import dev.basalt.platform.errors.BasaltException;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.InternalException;
import dev.basalt.platform.runtime.ConverseRequest;
import dev.basalt.platform.runtime.ConverseStream;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrock.BedrockAsyncClient;
import software.amazon.awssdk.services.bedrock.model.FoundationModelSummary;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * A Bedrock endpoint (an AWS region, or another Bedrock-compatible server such as Basalt): model ids from
 * {@code ListFoundationModels}, replies from {@code ConverseStream}, through the AWS SDK's async clients (which sign
 * with SigV4). The SDK's own retries are off: {@link UpstreamGuard} decides what is retried.
 */
public final class BedrockProvider implements ModelProvider {
    private final String name;
    private final ProviderConfig config;
    private final SdkAsyncHttpClient http;
    private final BedrockRuntimeAsyncClient runtime;
    private final BedrockAsyncClient control;
    private final UpstreamGuard guard;
    private final ModelListCache models;

    public BedrockProvider(String name, ProviderConfig config, Clock clock) {
        this.name = name;
        this.config = config;
        // Waiting for a pooled connection is part of connecting; the limit on requests is UpstreamGuard's.
        this.http = NettyNioAsyncHttpClient.builder().connectionTimeout(config.connectTimeout())
                .connectionAcquisitionTimeout(config.connectTimeout()).readTimeout(config.readTimeout())
                .maxConcurrency(config.maxConcurrency()).build();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
        Region region = Region.of(config.region());
        this.runtime = BedrockRuntimeAsyncClient.builder().endpointOverride(config.url()).region(region)
                .credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        this.control = BedrockAsyncClient.builder().endpointOverride(controlEndpoint(config.url())).region(region)
                .credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        this.guard = UpstreamGuard.of(name, config, clock);
        this.models = new ModelListCache(this::fetchModels, config.modelsRefresh(), clock);
    }

    /**
     * AWS serves the model list from {@code bedrock.<region>…}, the runtime from {@code bedrock-runtime.<region>…};
     * a Bedrock-compatible server such as Basalt serves both at one address.
     */
    static URI controlEndpoint(URI runtimeUrl) {
        String host = runtimeUrl.getHost();
        if (!host.startsWith("bedrock-runtime.")) {
            return runtimeUrl;
        }
        return URI.create(runtimeUrl.getScheme() + "://bedrock." + host.substring("bedrock-runtime.".length())
                + (runtimeUrl.getPort() < 0 ? "" : ":" + runtimeUrl.getPort()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> models() {
        return models.get();
    }

    private List<String> fetchModels() {
        UpstreamGuard.Admitted<List<String>> admitted = guard.admit(() -> await(control.listFoundationModels(r -> { }))
                .modelSummaries().stream().map(FoundationModelSummary::modelId).toList());
        admitted.permit().succeeded();
        return admitted.value();
    }

    @Override
    public ConverseStream converse(String upstreamModelId, ConverseRequest request) {
        ConverseStreamRequest body = BedrockConverseBody.of(upstreamModelId, request);
        UpstreamGuard.Admitted<Relay> admitted = guard.admit(() -> {
            Relay relay = new Relay();
            relay.call = runtime.converseStream(body, relay.handler());
            await(relay.started);
            return relay;
        });
        return ConverseStream.fromEvents(config.timeout(), sink -> {
            admitted.value().attach(sink, admitted.permit());
            return admitted.value()::cancel;
        });
    }

    /** Waits for a call's response to start, classifying its failure. */
    private <T> T await(CompletableFuture<T> future) throws UpstreamGuard.RetryableFailure {
        try {
            return future.get(config.readTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw guard.noAnswer(config.readTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new InternalException(e);
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
    }

    /** A failure before the response started: thrown as the platform error, or as retryable where that is safe. */
    private UpstreamGuard.RetryableFailure classify(Throwable error) throws UpstreamGuard.RetryableFailure {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof AwsServiceException aws) {
            String upstream = aws.awsErrorDetails() != null && aws.awsErrorDetails().errorMessage() != null
                    ? aws.awsErrorDetails().errorMessage() : aws.getMessage();
            throw guard.rejected(aws.statusCode(), upstream, "accessKeyId and secretAccessKey");
        }
        if (cause instanceof SdkException || cause instanceof IOException || cause instanceof TimeoutException) {
            // Client-side failures before the response started (connecting, waiting for a pooled connection):
            // nothing reached the model.
            throw new UpstreamGuard.RetryableFailure(new DependencyFailedException("The model provider " + name
                    + " at " + config.url() + " cannot be reached (" + UpstreamGuard.rootMessage(cause) + ").", cause));
        }
        throw new DependencyFailedException("The model provider " + name + " failed ("
                + UpstreamGuard.rootMessage(cause) + ").", cause);
    }

    /**
     * One ConverseStream call. Events are requested from the SDK only once the caller's stream is attached, so none
     * arrive before there is somewhere to put them.
     */
    private final class Relay {
        final CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> call;
        private ReplyAssembler reply;
        private UpstreamGuard.Permit permit;
        private UpstreamGuard.Watchdog watchdog;
        private Subscription subscription;
        private volatile boolean cancelled;
        private StopReason stopReason;
        private TokenUsage usage;

        ConverseStreamResponseHandler handler() {
            return ConverseStreamResponseHandler.builder()
                    .onResponse(response -> started.complete(null))
                    .onEventStream(publisher -> publisher.subscribe(new Subscriber<ConverseStreamOutput>() {
                        @Override
                        public void onSubscribe(Subscription s) {
                            subscribed(s);
                        }

                        @Override
                        public void onNext(ConverseStreamOutput event) {
                            relay(event);
                        }

                        @Override
                        public void onError(Throwable t) {
                            // also reported to onError below, with the call's outcome
                        }

                        @Override
                        public void onComplete() {
                            // the call's completion (onComplete below) ends the reply
                        }
                    }))
                    .onError(this::failed)
                    .onComplete(this::completed)
                    .build();
        }

        synchronized void attach(Consumer<ConverseStream.Event> sink, UpstreamGuard.Permit permit) {
            this.reply = new ReplyAssembler(sink);
            this.permit = permit;
            this.watchdog = guard.watch(config.readTimeout(), () -> end(guard.idleTimeout(config.readTimeout())));
            if (subscription != null) {
                subscription.request(Long.MAX_VALUE);
            }
        }

        private synchronized void subscribed(Subscription s) {
            subscription = s;
            if (reply != null) {
                s.request(Long.MAX_VALUE);
            }
        }

        private void relay(ConverseStreamOutput event) {
            watchdog.touch();
            switch (event) {
                case ContentBlockStartEvent start when start.start().toolUse() != null ->
                        reply.toolStart(start.start().toolUse().toolUseId(), start.start().toolUse().name());
                case ContentBlockDeltaEvent delta when delta.delta().text() != null -> reply.text(delta.delta().text());
                case ContentBlockDeltaEvent delta when delta.delta().toolUse() != null ->
                        reply.toolInput(delta.delta().toolUse().input());
                case MessageStopEvent stop -> stopReason = switch (stop.stopReasonAsString()) {
                    case "max_tokens" -> StopReason.MAX_TOKENS;
                    case "stop_sequence" -> StopReason.STOP_SEQUENCE;
                    default -> StopReason.END_OF_GENERATION;
                };
                case ConverseStreamMetadataEvent metadata -> usage = metadata.usage();
                default -> { } // messageStart, contentBlockStop: the assembler opens and closes blocks itself
            }
        }

        private void failed(Throwable error) {
            if (!started.isDone()) {
                started.completeExceptionally(error);
            } else if (!cancelled) {
                end(new DependencyFailedException("The model provider " + name + " failed during the reply ("
                        + UpstreamGuard.rootMessage(error) + ").", error));
            }
        }

        private void completed() {
            if (stopReason == null) {
                end(new DependencyFailedException("The model provider " + name
                        + " ended the stream before the reply was complete."));
                return;
            }
            end(null);
        }

        /** Ends the reply once: finished when {@code failure} is null. */
        private synchronized void end(BasaltException failure) {
            if (reply == null || reply.ended()) {
                return;
            }
            watchdog.stop();
            // The permit goes back before the last event, so a caller that read the end can start the next request.
            if (failure != null) {
                permit.failed(failure);
                reply.fail(failure);
                cancel();
            } else {
                permit.succeeded();
                int cached = usage == null || usage.cacheReadInputTokens() == null ? 0 : usage.cacheReadInputTokens();
                reply.finish(stopReason, usage == null ? 0 : usage.inputTokens(), cached,
                        usage == null ? 0 : usage.outputTokens());
            }
        }

        void cancel() {
            synchronized (this) {
                if (reply != null && !reply.ended()) {
                    cancelled = true;
                    watchdog.stop();
                    permit.succeeded(); // the caller left; nothing is wrong with the upstream
                }
                if (subscription != null) {
                    subscription.cancel();
                }
            }
            call.cancel(true);
        }
    }

    @Override
    public void close() {
        runtime.close();
        control.close();
        http.close();
        guard.close();
    }
}
