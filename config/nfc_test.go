package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNFCDefaultsAreValid(t *testing.T) {
	cfg, err := Parse([]byte("nfc:\n  enabled: true\n"), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	assert.True(t, cfg.NFC.Enabled)
	assert.Equal(t, DefaultNFC().CodeTTL, cfg.NFC.CodeTTL)
	assert.Equal(t, NFCRevocationAllowUnknown, cfg.NFC.Trust.Revocation)
}

func TestNFCValidationReportsEveryProblem(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	yaml := `
nfc:
  code_ttl: 0s
  max_upload_bytes: 10
  upload_key: not-base64
  trust: {revocation: sometimes, allow_missing_aa: true}
  partners:
    - {id: acme, api_key_sha256: ` + hash + `, webhook: "http://acme.example/hook"}
    - {id: acme, api_key_sha256: ` + hash + `, redirect_url: "ftp://x"}
    - {id: "bad id!", api_key_sha256: "abcd"}
`
	_, err := Parse([]byte(yaml), func(string) (string, bool) { return "", false })
	require.Error(t, err)
	for _, want := range []string{
		"nfc.code_ttl: must be positive",
		"nfc.max_upload_bytes",
		"nfc.upload_key",
		"nfc.trust.revocation",
		"nfc.trust.allow_missing_aa: no longer supported",
		"nfc.partners[0].webhook: must be an absolute https URL",
		`nfc.partners[1].id: "acme" used twice`,
		"nfc.partners[1].api_key_sha256: shared with another partner",
		"nfc.partners[1].redirect_url",
		"nfc.partners[2].id",
		"nfc.partners[2].api_key_sha256: must be 64 hex digits",
	} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestNFCPartnerDefaults(t *testing.T) {
	p := NFCPartnerDefaults(NFCPartner{ID: "acme"})
	assert.Equal(t, []string{"enroll"}, p.Methods)
	assert.Equal(t, 1, p.NumImagesLiveness)
	assert.Positive(t, p.ConfirmationTimeout)
	insecure := DefaultNFC()
	insecure.AllowInsecureURLs = true
	assert.True(t, insecure.acceptableURL("http://127.0.0.1:8080/hook"))
	assert.False(t, DefaultNFC().acceptableURL("http://127.0.0.1:8080/hook"))
	assert.False(t, DefaultNFC().acceptableURL("https://user:pw@acme.example/"))
}

func TestNFCPartnerSteps(t *testing.T) {
	p := NFCPartnerDefaults(NFCPartner{ID: "acme"})
	assert.True(t, p.HasStep(NFCStepMRZConsent) && p.HasStep(NFCStepSelfie) && p.HasStep(NFCStepChipRead), "unset steps mean all")

	chipOnly := NFCPartnerDefaults(NFCPartner{ID: "acme", Steps: []string{}})
	assert.False(t, chipOnly.HasStep(NFCStepMRZConsent))
	assert.False(t, chipOnly.HasStep(NFCStepSelfie))
	assert.True(t, chipOnly.HasStep(NFCStepChipRead), "the chip read is always a step")
	assert.Equal(t, 0, chipOnly.NumImagesLiveness, "no selfie step, no selfie images")

	hash := strings.Repeat("cd", 32)
	yaml := `
nfc:
  partners:
    - {id: a, api_key_sha256: ` + strings.Repeat("ab", 32) + `, steps: [mrz_consent, fingerprint]}
    - {id: b, api_key_sha256: ` + hash + `, steps: [chip_read], num_images_liveness: 2}
`
	_, err := Parse([]byte(yaml), func(string) (string, bool) { return "", false })
	require.Error(t, err)
	assert.Contains(t, err.Error(), `nfc.partners[0].steps: unknown step "fingerprint"`)
	assert.Contains(t, err.Error(), "nfc.partners[1].num_images_liveness: must be 0 when the steps do not include selfie")

	cfg, err := Parse([]byte("nfc:\n  partners:\n    - {id: c, api_key_sha256: "+hash+", steps: [chip_read, mrz_consent]}\n"),
		func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	assert.Equal(t, []string{"chip_read", "mrz_consent"}, cfg.NFC.Partners[0].Steps)
}
