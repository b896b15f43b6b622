-- Durable long-running jobs (ingestion, import, fine-tuning, batch, evaluation).
-- Portable SQL: runs unchanged on SQLite and PostgreSQL. Times are epoch milliseconds.
CREATE TABLE jobs (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    kind        VARCHAR(64)  NOT NULL,
    status      VARCHAR(16)  NOT NULL,
    progress    DOUBLE PRECISION NOT NULL DEFAULT 0,
    spec        TEXT         NOT NULL,
    message     TEXT,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL
);

CREATE INDEX jobs_by_kind_status ON jobs (kind, status);
