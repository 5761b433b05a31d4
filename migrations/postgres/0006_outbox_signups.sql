-- Work done after the request that asked for it, kept until it is done: emails, and the
-- sign-up and password-reset requests whose answers must not depend on whether an address
-- is registered (the request only queues; the job looks the address up). A node claims a
-- due job for a while (claimed_until), so two nodes never run one job at once; a failure is
-- tried again later (run_at), and a done job keeps no payload.
CREATE TABLE outbox (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    run_at        BIGINT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    done_at       BIGINT,
    last_error    TEXT
);
CREATE INDEX outbox_due ON outbox (run_at, id) WHERE done_at IS NULL;
CREATE INDEX outbox_done ON outbox (done_at) WHERE done_at IS NOT NULL;

-- A sign-up waiting for its email to be confirmed. The member is created only when the
-- link is opened, so a sign-up changes nothing anyone else can see (no handle taken, no id
-- used) whether or not its address is registered. token_hash is set when the confirmation
-- email is made; a sign-up for a registered address never gets one.
CREATE TABLE signups (
    id              BIGSERIAL PRIMARY KEY,
    token_hash      TEXT UNIQUE,
    email           TEXT NOT NULL,
    name            TEXT NOT NULL,
    handle          TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    invite_hash     TEXT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX signups_email ON signups (email, id);
CREATE INDEX signups_expiry ON signups (expires_at);
