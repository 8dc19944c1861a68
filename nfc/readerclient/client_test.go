package readerclient

import (
	"testing"

	"github.com/kycgate/kycgate/nfc/chipfile"
	"github.com/kycgate/kycgate/nfc/service"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewUploadLeavesTheChipImageAsItWas(t *testing.T) {
	chip, err := chipfile.Build(chipfile.Options{})
	require.NoError(t, err)
	before := len(chip.DataGroups)
	require.Contains(t, chip.DataGroups, "15")

	up, err := NewUpload(chip, service.Redemption{Challenge: []byte("12345678")}, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, up.AASignature)
	delete(up.DataGroups, "15")

	assert.Len(t, chip.DataGroups, before, "a later upload of the same chip still has every data group")
	assert.Contains(t, chip.DataGroups, "15")
}
