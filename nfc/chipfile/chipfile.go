// Package chipfile writes and reads demo chip images: a specimen eMRTD
// (data groups, EF.SOD, Active Authentication key) built by nfc/icao/specimen
// from a photo, signed by a demo CSCA that only a trust store given its
// certificate accepts, saved as one JSON file so that the reader command can
// play the phone's part without a phone.
//
// The file holds a private key and the holder's data: it is for demos and
// tests with invented identities only.
package chipfile

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/icao/trust"
	"github.com/kycgate/kycgate/nfc/upload"
)

// FormatVersion names the file format.
const FormatVersion = "kycgate-nfc-specimen/1"

// File is a demo chip image.
type File struct {
	// Format is FormatVersion.
	Format string `json:"format"`
	// CSCA is the DER certificate of the demo CSCA that signed the chip.
	CSCA []byte `json:"csca"`
	// CRL is a current CRL of the demo CSCA (DER), empty unless the file
	// was built with Options.RevokeDocumentSigner.
	CRL []byte `json:"crl"`
	// SOD is EF.SOD.
	SOD []byte `json:"sod"`
	// DataGroups maps "1", "2", ... to the data group files.
	DataGroups map[string][]byte `json:"data_groups"`
	// AAKey is the chip's RSA Active Authentication key (PKCS #8), empty
	// for a chip without Active Authentication.
	AAKey []byte `json:"aa_key,omitempty"`
	// Consent is what the holder would type or scan from the MRZ.
	Consent upload.Consent `json:"consent"`
}

// ErrFormat means the data is not a chip file of this version.
var ErrFormat = errors.New("chipfile: not a kycgate NFC specimen file")

// Parse reads a chip file.
func Parse(data []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil || f.Format != FormatVersion {
		return nil, ErrFormat
	}
	if len(f.SOD) == 0 || len(f.DataGroups["1"]) == 0 || len(f.CSCA) == 0 {
		return nil, fmt.Errorf("%w: sod, data group 1 and csca are required", ErrFormat)
	}
	return &f, nil
}

// Marshal writes the file as indented JSON.
func (f *File) Marshal() ([]byte, error) {
	return json.MarshalIndent(f, "", "  ")
}

// Groups returns the data groups keyed by number.
func (f *File) Groups() map[int][]byte {
	out := make(map[int][]byte, len(f.DataGroups))
	for k, v := range f.DataGroups {
		if n, err := strconv.Atoi(k); err == nil {
			out[n] = v
		}
	}
	return out
}

// SignChallenge answers an Active Authentication challenge as the chip
// would (ISO/IEC 9796-2 with the RSA key); nil without an AA key.
func (f *File) SignChallenge(challenge []byte) ([]byte, error) {
	if len(f.AAKey) == 0 {
		return nil, nil
	}
	key, err := x509.ParsePKCS8PrivateKey(f.AAKey)
	if err != nil {
		return nil, fmt.Errorf("chipfile: aa key: %w", err)
	}
	priv, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("chipfile: aa key is not an RSA key")
	}
	chip := &specimen.Chip{AAKey: specimen.NewRSAKey(priv, false)}
	return chip.SignChallenge(challenge)
}

// TrustStore returns a trust store holding the demo CSCA and its CRL, as a
// gateway configured with them would.
func (f *File) TrustStore() (*trust.Store, error) {
	ts := trust.NewStore()
	if _, err := ts.AddCertificateFile(f.CSCA); err != nil {
		return nil, fmt.Errorf("chipfile: csca: %w", err)
	}
	if len(f.CRL) > 0 {
		if err := ts.AddCRL(f.CRL); err != nil {
			return nil, fmt.Errorf("chipfile: crl: %w", err)
		}
	}
	return ts, nil
}
