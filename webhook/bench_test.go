package webhook_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/webhook"
)

// BenchmarkDeliverThroughTheOutbox measures events written to the SQLite
// outbox and delivered to a loopback receiver, per event.
func BenchmarkDeliverThroughTheOutbox(b *testing.B) {
	st := openStore(b, b.TempDir()+"/kycgate.db")
	receiver := &capture{}
	server := httptest.NewServer(receiver)
	defer server.Close()
	w, err := webhook.NewWorker(st, fastConfig(), nil)
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	b.ResetTimer()
	for i := range b.N {
		e := w.NewEvent(webhook.Message{MerchantID: testMerchant, ResourceID: "bench", EventName: "step_completed",
			URL: server.URL, Secret: testSecret, Payload: []byte(`{"eventName":"step_completed","n":` + strconv.Itoa(i) + `}`)})
		require.NoError(b, st.EnqueueEvents(ctx, []store.OutboxEvent{e}))
		w.Notify()
	}
	require.Eventually(b, func() bool { return len(receiver.all()) == b.N }, time.Minute, time.Millisecond)
}
