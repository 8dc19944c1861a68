-- Rate-limit counters (store.Counters, used by nfc/attempts): one count per
-- key and fixed window, changed by atomic upserts. expires_at is the Unix
-- time in microseconds after which the count no longer applies; expired
-- rows are deleted by DeleteExpiredCounters. Keys are hashes chosen by the
-- caller, never a client address or init code in clear.
CREATE TABLE rate_counters (
    counter_key TEXT NOT NULL CHECK (counter_key <> ''),
    window_no   INTEGER NOT NULL,
    count       INTEGER NOT NULL CHECK (count >= 0),
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (counter_key, window_no)
) WITHOUT ROWID;

CREATE INDEX rate_counters_expiry ON rate_counters (expires_at);
