package pkix

import (
	"crypto"
	"encoding/asn1"
)

// Object identifiers of the algorithms accepted by the ICAO packages.
var (
	OIDRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	OIDRSAPSS        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	OIDMGF1          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	OIDSHA1WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	OIDSHA224WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}
	OIDSHA256WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	OIDSHA384WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	OIDSHA512WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}

	OIDECPublicKey     = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	OIDPrimeField      = asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}
	OIDECDSAWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	OIDECDSAWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 1}
	OIDECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	OIDECDSAWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	OIDECDSAWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}

	// BSI TR-03111 plain (r‖s) ECDSA signatures.
	OIDECDSAPlainSHA1   = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 1, 4, 1, 1}
	OIDECDSAPlainSHA224 = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 1, 4, 1, 2}
	OIDECDSAPlainSHA256 = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 1, 4, 1, 3}
	OIDECDSAPlainSHA384 = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 1, 4, 1, 4}
	OIDECDSAPlainSHA512 = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 1, 1, 4, 1, 5}

	OIDSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	OIDSHA224 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}
	OIDSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	OIDSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

// digestOIDs maps digest algorithm identifiers to hashes.
var digestOIDs = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
}{
	{OIDSHA1, crypto.SHA1},
	{OIDSHA224, crypto.SHA224},
	{OIDSHA256, crypto.SHA256},
	{OIDSHA384, crypto.SHA384},
	{OIDSHA512, crypto.SHA512},
}

// signatureOIDs maps signature algorithm identifiers without parameters.
var signatureOIDs = []struct {
	oid    asn1.ObjectIdentifier
	scheme Scheme
	hash   crypto.Hash
}{
	{OIDSHA1WithRSA, SchemePKCS1v15, crypto.SHA1},
	{OIDSHA224WithRSA, SchemePKCS1v15, crypto.SHA224},
	{OIDSHA256WithRSA, SchemePKCS1v15, crypto.SHA256},
	{OIDSHA384WithRSA, SchemePKCS1v15, crypto.SHA384},
	{OIDSHA512WithRSA, SchemePKCS1v15, crypto.SHA512},
	{OIDRSAEncryption, SchemePKCS1v15, 0},
	{OIDECDSAWithSHA1, SchemeECDSA, crypto.SHA1},
	{OIDECDSAWithSHA224, SchemeECDSA, crypto.SHA224},
	{OIDECDSAWithSHA256, SchemeECDSA, crypto.SHA256},
	{OIDECDSAWithSHA384, SchemeECDSA, crypto.SHA384},
	{OIDECDSAWithSHA512, SchemeECDSA, crypto.SHA512},
	{OIDECPublicKey, SchemeECDSA, 0},
	{OIDECDSAPlainSHA1, SchemeECDSAPlain, crypto.SHA1},
	{OIDECDSAPlainSHA224, SchemeECDSAPlain, crypto.SHA224},
	{OIDECDSAPlainSHA256, SchemeECDSAPlain, crypto.SHA256},
	{OIDECDSAPlainSHA384, SchemeECDSAPlain, crypto.SHA384},
	{OIDECDSAPlainSHA512, SchemeECDSAPlain, crypto.SHA512},
}

// DigestOID returns the digest algorithm identifier of h.
func DigestOID(h crypto.Hash) (asn1.ObjectIdentifier, bool) {
	for _, d := range digestOIDs {
		if d.hash == h {
			return d.oid, true
		}
	}
	return nil, false
}
