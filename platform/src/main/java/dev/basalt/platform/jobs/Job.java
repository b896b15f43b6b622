package dev.basalt.platform.jobs;

import java.time.Instant;

/**
 * A durable long-running job.
 *
 * @param kind     what runs it, e.g. {@code model-import}
 * @param spec     the job's input as JSON, enough to restart it after a crash
 * @param progress 0..1
 * @param message  the latest human-readable status or failure reason
 */
public record Job(String id, String kind, JobStatus status, double progress, String spec, String message,
                  Instant createdAt, Instant updatedAt) {}
