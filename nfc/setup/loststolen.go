package setup

import (
	"fmt"
	"os"

	"github.com/kycgate/kycgate/config"
	"github.com/kycgate/kycgate/nfc/loststolen"
)

// LoadLostStolen reads the configured lost-and-stolen list; it returns nil
// when no file is configured.
func LoadLostStolen(cfg config.NFCLostStolen) (*loststolen.List, error) {
	if cfg.File == "" {
		return nil, nil
	}
	key, err := loststolen.ParseKey(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("nfc lost_stolen.key: %w", err)
	}
	data, err := os.ReadFile(cfg.File)
	if err != nil {
		return nil, fmt.Errorf("nfc lost_stolen: %w", err)
	}
	l, err := loststolen.Parse(data, key)
	if err != nil {
		return nil, fmt.Errorf("nfc lost_stolen: %s: %w", cfg.File, err)
	}
	return l, nil
}
