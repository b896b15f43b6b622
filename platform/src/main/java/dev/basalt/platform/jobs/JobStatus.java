package dev.basalt.platform.jobs;

/** Life cycle of a {@link Job}. QUEUED and RUNNING jobs are resumed when the server restarts. */
public enum JobStatus {
    QUEUED, RUNNING, STOPPING, SUCCEEDED, FAILED, STOPPED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == STOPPED;
    }
}
