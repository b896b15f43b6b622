-- The persistent model catalog (basalt models import / pull / rm). Portable SQL; times are epoch milliseconds.
CREATE TABLE models (
    id              VARCHAR(128)  NOT NULL PRIMARY KEY,
    name            VARCHAR(512)  NOT NULL,
    source          VARCHAR(16)   NOT NULL,
    hub_ref         VARCHAR(512),
    path            VARCHAR(4096) NOT NULL,
    size_bytes      BIGINT        NOT NULL,
    sha256          VARCHAR(64)   NOT NULL,
    architecture    VARCHAR(64)   NOT NULL,
    context_length  INTEGER       NOT NULL,
    created_at      BIGINT        NOT NULL
);
