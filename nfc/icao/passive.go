package icao

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"sort"

	"github.com/kycgate/kycgate/nfc/icao/cert"
	"github.com/kycgate/kycgate/nfc/icao/cms"
	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/pkix"
)

// parseSOD decodes EF.SOD and requires a supported hash algorithm.
func (v *verification) parseSOD() *failure {
	if len(v.input.SOD) == 0 {
		return fail(SODMalformed, "EF.SOD missing")
	}
	sod, err := lds.ParseSOD(v.input.SOD)
	if err != nil {
		return fail(SODMalformed, err.Error())
	}
	if sod.HashErr != nil {
		return fail(AlgorithmUnsupported, sod.HashErr.Error())
	}
	if len(sod.SignedData.SignerInfos) != 1 {
		return fail(SODMalformed, fmt.Sprintf("%d signer infos, want 1", len(sod.SignedData.SignerInfos)))
	}
	v.sod = sod
	return nil
}

// checkDataGroupHashes hashes every supplied data group over the bytes as
// received and compares with EF.SOD. DG1 (the MRZ) and DG2 (the portrait)
// are mandatory in every upload.
func (v *verification) checkDataGroupHashes() *failure {
	for _, num := range []int{1, 2} {
		if len(v.input.DataGroups[num]) == 0 {
			return fail(DataGroupMissing, fmt.Sprintf("DG%d", num))
		}
	}
	numbers := make([]int, 0, len(v.input.DataGroups))
	for num := range v.input.DataGroups {
		numbers = append(numbers, num)
	}
	sort.Ints(numbers)
	for _, num := range numbers {
		name := fmt.Sprintf("DG%d", num)
		want, ok := v.sod.DataGroupHashes[num]
		if !ok {
			return fail(DataGroupMissing, name+" not hashed in EF.SOD")
		}
		h := v.sod.HashAlgorithm.New()
		h.Write(v.input.DataGroups[num])
		if subtle.ConstantTimeCompare(h.Sum(nil), want) != 1 {
			return fail(DGHashMismatch, name)
		}
	}
	return nil
}

// checkSODSignature finds the document signer certificate in EF.SOD and
// verifies the SignerInfo with it.
func (v *verification) checkSODSignature() *failure {
	sd := v.sod.SignedData
	si := &sd.SignerInfos[0]
	ds := si.FindSigner(sd.Certificates)
	if ds == nil {
		return fail(SODMalformed, "document signer certificate not in EF.SOD")
	}
	v.ds = ds
	v.result.DocumentSignerCountry = ds.Subject.Country()
	v.result.SignatureAlgorithm = si.SignatureAlgorithm.WithDefaultHash(si.DigestAlgorithm).String()
	if ds.PublicKey != nil {
		v.result.SignatureAlgorithm += " " + ds.PublicKey.Describe()
	}
	err := si.Verify(sd.ContentType, sd.Content, ds)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pkix.ErrUnsupportedAlgorithm):
		return fail(AlgorithmUnsupported, err.Error())
	case errors.Is(err, cms.ErrDigestMismatch):
		return fail(SODSignatureInvalid, "messageDigest does not match the security object")
	default:
		return fail(SODSignatureInvalid, err.Error())
	}
}

// checkChain requires a CSCA in the trust store whose key verifies the DS
// certificate.
func (v *verification) checkChain() *failure {
	if v.opts.Trust == nil {
		return fail(CSCAUnknown, "no trust store configured")
	}
	candidates := v.opts.Trust.Issuers(v.ds)
	var unsupported error
	for _, ca := range candidates {
		err := v.ds.CheckSignatureFrom(ca)
		if err == nil {
			v.csca = ca
			return nil
		}
		if errors.Is(err, pkix.ErrUnsupportedAlgorithm) {
			unsupported = err
		}
	}
	if unsupported != nil {
		return fail(AlgorithmUnsupported, unsupported.Error())
	}
	if len(candidates) == 0 {
		return fail(CSCAUnknown, "no CSCA for issuer "+v.ds.Issuer.String())
	}
	return fail(CSCAUnknown, "no trusted CSCA key verifies the document signer certificate")
}

// checkValidity requires the DS and CSCA certificates to be valid now.
func (v *verification) checkValidity() *failure {
	for _, c := range []struct {
		name string
		cert *cert.Certificate
	}{{"document signer", v.ds}, {"CSCA", v.csca}} {
		if !c.cert.ValidAt(v.now) {
			return fail(CertificateExpired, fmt.Sprintf("%s certificate valid %s to %s",
				c.name, c.cert.NotBefore.Format("2006-01-02"), c.cert.NotAfter.Format("2006-01-02")))
		}
	}
	return nil
}

// checkRevocation consults the CSCA's current CRLs.
func (v *verification) checkRevocation() *failure {
	lists := v.opts.Trust.CRLs(v.csca.Subject, v.now)
	if len(lists) == 0 {
		if v.opts.Revocation == RevocationAllowUnknown {
			return nil
		}
		return fail(RevocationUnknown, "no current CRL for CSCA "+v.csca.Subject.String())
	}
	v.result.RevocationChecked = true
	for _, l := range lists {
		if l.IsRevoked(v.ds.SerialNumber, v.now) {
			return fail(DSRevoked, "document signer serial "+v.ds.SerialNumber.String())
		}
	}
	return nil
}
