// Package specimen creates specimen eMRTD chip images for tests and demos:
// a CSCA, a document signer certificate, data groups built from given MRZ
// fields and a face image, an EF.SOD signing their hashes, an Active
// Authentication key that answers challenges, and CRLs.
//
// Everything is written as DER by hand with package tlv, so keys on
// brainpool curves and explicit domain parameters are as easy to produce as
// RSA, RSASSA-PSS and NIST-curve keys. The keys are demo keys: signing does
// not protect secrets (no blinding, no constant-time arithmetic), and a
// specimen is trusted only by a trust store that was given its CSCA.
package specimen
