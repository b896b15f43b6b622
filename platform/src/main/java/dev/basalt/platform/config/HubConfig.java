package dev.basalt.platform.config;

import java.net.URI;

/**
 * The model hub that {@code basalt models pull} downloads from.
 *
 * @param url base URL of a Hugging Face hub (the public one, or a mirror that serves the same API)
 */
public record HubConfig(URI url) {
    public HubConfig {
        if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException("url: must be an http:// or https:// URL with a host, got " + url);
        }
    }

    public static HubConfig defaults() {
        return new HubConfig(URI.create("https://huggingface.co"));
    }
}
