// Package upload is the content a reader app seals and uploads: the chip's
// files as read, the Active Authentication response, the consent data the
// user typed or scanned, and the selfie images. Binary values are standard
// base64 in JSON.
package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// MaxSelfies caps the selfie images of one upload.
const MaxSelfies = 20

// Consent is the data that opened the chip (BAC/PACE by MRZ). Dates are
// YYMMDD as printed in the MRZ.
type Consent struct {
	DocumentNumber string `json:"document_number"`
	DateOfBirth    string `json:"date_of_birth"`
	DateOfExpiry   string `json:"date_of_expiry"`
}

// Upload is the plaintext of a sealed upload.
type Upload struct {
	// SOD is EF.SOD as read.
	SOD []byte `json:"sod"`
	// DataGroups maps "1", "2", "11", ... to the files as read.
	DataGroups map[string][]byte `json:"data_groups"`
	// AASignature is the chip's answer to the session's challenge; empty
	// when the chip has no Active Authentication.
	AASignature []byte `json:"aa_signature,omitempty"`
	// Consent is the data the user entered.
	Consent Consent `json:"consent"`
	// Selfies are the selfie images (JPEG or PNG), the first one compared
	// with the document portrait, each scored for liveness.
	Selfies [][]byte `json:"selfies"`
}

// The errors of Parse; each names what is wrong without echoing values.
var (
	ErrMalformed   = errors.New("upload: not a valid upload document")
	ErrNoSOD       = errors.New("upload: sod is required")
	ErrNoDG1       = errors.New("upload: data group 1 is required")
	ErrNoDG2       = errors.New("upload: data group 2 is required")
	ErrDataGroup   = errors.New("upload: data group numbers must be 1 to 16")
	ErrConsent     = errors.New("upload: consent needs document_number, date_of_birth and date_of_expiry")
	ErrSelfieCount = errors.New("upload: wrong number of selfies")
)

// Expect is what a session's steps require of its upload.
type Expect struct {
	// Selfies is the session's num_images_liveness (0 allowed).
	Selfies int
	// ConsentOptional accepts an upload without consent data, for
	// sessions whose partner dropped the consent screen; consent data
	// that is sent must still be complete.
	ConsentOptional bool
}

// Parse decodes and checks an upload that must carry the consent data;
// wantSelfies is the session's num_images_liveness.
func Parse(data []byte, wantSelfies int) (*Upload, error) {
	return ParseExpecting(data, Expect{Selfies: wantSelfies})
}

// ParseExpecting decodes an upload and checks it against the session's
// steps.
func ParseExpecting(data []byte, want Expect) (*Upload, error) {
	var u Upload
	if err := json.Unmarshal(data, &u); err != nil {
		return nil, ErrMalformed
	}
	if err := u.check(want); err != nil {
		return nil, err
	}
	return &u, nil
}

// check validates the decoded upload.
func (u *Upload) check(want Expect) error {
	if len(u.SOD) == 0 {
		return ErrNoSOD
	}
	if len(u.DataGroups[strconv.Itoa(1)]) == 0 {
		return ErrNoDG1
	}
	if len(u.DataGroups[strconv.Itoa(2)]) == 0 {
		return ErrNoDG2
	}
	if _, err := u.Groups(); err != nil {
		return err
	}
	c := u.Consent
	if !(want.ConsentOptional && c == Consent{}) && (c.DocumentNumber == "" || len(c.DateOfBirth) != 6 || len(c.DateOfExpiry) != 6) {
		return ErrConsent
	}
	if len(u.Selfies) != want.Selfies || len(u.Selfies) > MaxSelfies {
		return fmt.Errorf("%w: %d sent, %d expected", ErrSelfieCount, len(u.Selfies), want.Selfies)
	}
	for _, s := range u.Selfies {
		if len(s) == 0 {
			return fmt.Errorf("%w: an image is empty", ErrSelfieCount)
		}
	}
	return nil
}

// Groups returns the data groups keyed by number.
func (u *Upload) Groups() (map[int][]byte, error) {
	out := make(map[int][]byte, len(u.DataGroups))
	for k, v := range u.DataGroups {
		n, err := strconv.Atoi(k)
		if err != nil || n < 1 || n > 16 || strconv.Itoa(n) != k {
			return nil, ErrDataGroup
		}
		out[n] = v
	}
	return out, nil
}

// Marshal encodes the upload, as the reader app does before sealing.
func (u *Upload) Marshal() ([]byte, error) {
	return json.Marshal(u)
}

// NewDataGroups converts numbered data groups to the upload's keys.
func NewDataGroups(groups map[int][]byte) map[string][]byte {
	out := make(map[string][]byte, len(groups))
	for n, v := range groups {
		out[strconv.Itoa(n)] = v
	}
	return out
}
