package dev.basalt.engine.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Collects a generation's events for assertions. */
final class CollectingListener implements GenerationListener {
    final List<Integer> tokens = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    final List<TokenEvent> events = new ArrayList<>();
    final CompletableFuture<Completion> done = new CompletableFuture<>();

    @Override
    public synchronized void onToken(TokenEvent event) {
        events.add(event);
        if (event.token() >= 0) {
            tokens.add(event.token());
        }
        text.append(event.text());
    }

    @Override
    public void onComplete(Completion completion) {
        done.complete(completion);
    }

    @Override
    public void onError(RuntimeException error) {
        done.completeExceptionally(error);
    }

    Completion await() throws Exception {
        return done.get(60, TimeUnit.SECONDS);
    }

    synchronized String text() {
        return text.toString();
    }

    synchronized List<Integer> tokens() {
        return List.copyOf(tokens);
    }
}
