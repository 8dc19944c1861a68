package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/store/storetest"
)

func TestCountPendingEvents(t *testing.T) {
	storetest.RunPendingCounterTests(t, func(t *testing.T) store.Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "kycgate.db"))
		require.NoError(t, err)
		return s
	})
}
