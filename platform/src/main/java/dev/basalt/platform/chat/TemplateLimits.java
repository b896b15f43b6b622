package dev.basalt.platform.chat;

import java.time.Duration;

/**
 * Bounds on one render. A chat template arrives with an imported model, so it is untrusted input: without these a
 * template could loop for hours or print gigabytes.
 *
 * @param maxOutputChars the longest prompt a render may produce
 * @param maxNodes       how many template nodes (tags, expressions, text runs) one render may evaluate
 * @param maxDuration    wall-clock budget for one render
 * @param maxRangeSize   the largest {@code range(n)} a template may build
 * @param maxDepth       the deepest nesting of macro calls and includes
 */
public record TemplateLimits(long maxOutputChars, long maxNodes, Duration maxDuration, int maxRangeSize, int maxDepth) {

    /** Generous for real prompts (the largest context windows hold a few million characters), strict for abuse. */
    public static final TemplateLimits DEFAULT = new TemplateLimits(4_000_000, 2_000_000, Duration.ofSeconds(5), 10_000, 20);

    public TemplateLimits {
        if (maxOutputChars <= 0 || maxNodes <= 0 || maxRangeSize <= 0 || maxDepth <= 0) {
            throw new IllegalArgumentException("template limits must be positive");
        }
        if (maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("template render duration must be positive");
        }
    }
}
