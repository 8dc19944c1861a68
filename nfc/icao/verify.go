package icao

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/lds"
)

// verification carries the state of one Verify call between its steps.
type verification struct {
	input  ChipData
	opts   Options
	now    time.Time
	result Result
	sod    *lds.SOD
	ds     *cert.Certificate
	csca   *cert.Certificate
	dg14   *lds.DG14
}

// failure is a verdict with its detail, returned by a failed step.
type failure struct {
	verdict Verdict
	detail  string
}

// fail builds a failure.
func fail(v Verdict, detail string) *failure {
	return &failure{verdict: v, detail: detail}
}

// Verify checks the chip data and returns the verdict. The steps run in
// order and stop at the first failure: EF.SOD decoding, data group hashes,
// the SOD signature, the chain to a trusted CSCA, validity periods,
// revocation, DG1 (check digits, country, the lost-and-stolen list,
// consent, expiry), the other data
// groups, and Active Authentication, which is only attempted once passive
// authentication passed.
func Verify(input ChipData, opts Options) Result {
	v := &verification{input: input, opts: opts, now: opts.Now}
	if v.now.IsZero() {
		v.now = time.Now()
	}
	v.now = v.now.UTC()
	if len(input.SOD) > 0 {
		sum := sha256.Sum256(input.SOD)
		v.result.SODFingerprint = hex.EncodeToString(sum[:])
	}
	steps := []func() *failure{
		v.parseSOD,
		v.checkDataGroupHashes,
		v.checkSODSignature,
		v.checkChain,
		v.checkValidity,
		v.checkRevocation,
		v.markPassive,
		v.checkDG1,
		v.readOptionalGroups,
		v.checkActiveAuthentication,
	}
	for _, step := range steps {
		if f := step(); f != nil {
			v.result.Verdict, v.result.Detail = f.verdict, f.detail
			return v.result
		}
	}
	v.result.Verdict = Authentic
	return v.result
}

// markPassive records that passive authentication completed.
func (v *verification) markPassive() *failure {
	v.result.PassiveAuthentication = true
	return nil
}
