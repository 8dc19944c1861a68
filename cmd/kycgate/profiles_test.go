package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/identity/profiles"
	"github.com/kycgate/kycgate/store/sqlite"
)

// profilesConfig writes a configuration with the store in dir and a list
// size cap of maxBytes.
func profilesConfig(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "kycgate.yaml")
	cfg := "store:\n  type: sqlite\n  options:\n    path: " + filepath.Join(dir, "kycgate.db") +
		"\nprofiles:\n  lists:\n    max_bytes: 2048\n"
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// runProfiles runs `kycgate profiles args...` and returns its output.
func runProfiles(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"profiles"}, args...), &out, io.Discard)
	return out.String(), err
}

func TestProfilesImportListRefusesABadFileWhole(t *testing.T) {
	dir := t.TempDir()
	cfg := profilesConfig(t, dir)
	good := writeFile(t, dir, "tor.txt", "# Tor exits\n185.220.101.7\n185.220.101.0/24\n")
	out, err := runProfiles(t, "import-list", "-config", cfg, "-list", "tor", good)
	require.NoError(t, err)
	assert.Contains(t, out, "imported 2 entries into list tor")

	lists, err := runProfiles(t, "lists", "-config", cfg)
	require.NoError(t, err)
	require.Contains(t, lists, "tor\t2 entries")

	bad := writeFile(t, dir, "bad.txt", "10.0.0.0/8\nsecret-not-an-ip\n10.1.0.0/16\n999.1.1.1\n")
	_, err = runProfiles(t, "import-list", "-config", cfg, "-list", "tor", bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")
	assert.Contains(t, err.Error(), "line 4")
	assert.Contains(t, err.Error(), "nothing was imported")
	assert.NotContains(t, err.Error(), "secret")
	after, err := runProfiles(t, "lists", "-config", cfg)
	require.NoError(t, err)
	assert.Equal(t, lists, after, "the old list stays in force")

	big := writeFile(t, dir, "big.txt", strings.Repeat("10.0.0.1\n", 400))
	_, err = runProfiles(t, "import-list", "-config", cfg, "-list", "tor", big)
	require.ErrorContains(t, err, "max_bytes")

	watch := writeFile(t, dir, "watch.json", `{"entries":[{"id":"WL-1","name":"Ivan Sidorov"}]}`)
	out, err = runProfiles(t, "import-list", "-config", cfg, "-list", "watchlist", watch)
	require.NoError(t, err)
	assert.Contains(t, out, "imported 1 entries into list watchlist")

	_, err = runProfiles(t, "import-list", "-config", cfg, "-list", "bananas", good)
	require.ErrorIs(t, err, profiles.ErrUnknownList)
	for _, args := range [][]string{nil, {"import-list", "-config", cfg, good}, {"import-list", "-list", "tor"}, {"fly"}} {
		_, err = runProfiles(t, args...)
		require.ErrorContains(t, err, "usage", "%v", args)
	}
}

func TestSetUpProfiles(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "kycgate.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })

	t.Run("disabled", func(t *testing.T) {
		cfg := config.Default()
		modules, recorder, err := setUpProfiles(&cfg, st, false, logger)
		require.NoError(t, err)
		assert.Empty(t, modules)
		assert.Equal(t, profiles.Discard, recorder)
	})
	t.Run("enabled without keys", func(t *testing.T) {
		cfg := config.Default()
		cfg.Profiles.Enabled = true
		_, _, err := setUpProfiles(&cfg, st, false, logger)
		require.ErrorContains(t, err, "profiles.reference_key")
	})
	t.Run("demo", func(t *testing.T) {
		t.Chdir(t.TempDir())
		cfg := config.Default()
		modules, recorder, err := setUpProfiles(&cfg, st, true, logger)
		require.NoError(t, err)
		require.Len(t, modules, 1)
		assert.IsType(t, &profiles.Service{}, recorder)
		assert.True(t, cfg.Profiles.Enabled)
		assert.Contains(t, cfg.Profiles.Merchants, config.ProfileMerchant{ClientID: demoClientID, Vertical: "Lending", Country: "US"})
		info, err := os.Stat(filepath.Join(demoDataDir, demoProfilesKeyFile))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
		require.NoError(t, cfg.Validate())

		again := config.Default()
		_, _, err = setUpProfiles(&again, st, true, logger)
		require.NoError(t, err)
		assert.Equal(t, cfg.Profiles.ReferenceKey, again.Profiles.ReferenceKey, "the demo keeps its reference key")
		assert.Len(t, again.Profiles.Merchants, 1)
	})
}
