-- Scale-out (issue 9): commit claims for concurrent DuckLake writers, and shard leases for ingest workers.

-- One row. Every keyed write transaction bumps it, so DuckLake (where appends never conflict) detects
-- two overlapping keyed transactions and the later one retries against the newer snapshot.
CREATE TABLE IF NOT EXISTS write_claims (
    claims BIGINT NOT NULL
);
INSERT INTO write_claims SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM write_claims);

-- Which worker holds which shard of the sources. A worker heartbeats while it runs; a shard whose
-- holder stopped heartbeating for longer than the lease TTL is taken over by another worker.
CREATE TABLE IF NOT EXISTS shard_leases (
    shard        INTEGER NOT NULL,
    shards       INTEGER NOT NULL,
    holder       VARCHAR NOT NULL,   -- worker id (host, pid)
    holder_shard INTEGER NOT NULL,   -- the holder's own shard: differs from `shard` after a takeover
    running      BOOLEAN NOT NULL,
    heartbeat_at TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    PRIMARY KEY (shard, shards)
);
