package webhook

import (
	"context"
	"log/slog"
	"time"
)

// purgeIfDue erases, when due is reached, one batch of the payloads (and
// secrets) of events that finished more than PayloadRetention ago, and
// returns when the next round is due: at the next poll after a full batch,
// since more may be waiting, otherwise after PurgeInterval. A failure is
// logged and tried again after PurgeInterval.
func (w *Worker) purgeIfDue(ctx context.Context, due time.Time) time.Time {
	now := w.now()
	if now.Before(due) || ctx.Err() != nil {
		return due
	}
	n, err := w.store.PurgePayloads(ctx, now.Add(-w.cfg.PayloadRetention), now, w.cfg.PurgeBatch)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Error("erasing webhook payloads failed", slog.String("error", err.Error()))
		}
		return now.Add(w.cfg.PurgeInterval)
	}
	if n > 0 {
		w.logger.Debug("erased webhook payloads past their retention", slog.Int("events", n))
	}
	if n == w.cfg.PurgeBatch {
		return now
	}
	return now.Add(w.cfg.PurgeInterval)
}
