// Package pkix reads the public-key building blocks shared by certificates,
// CMS signatures and data groups: algorithm identifiers, SubjectPublicKeyInfo
// (RSA, and EC with named curves or explicit domain parameters matched
// against the fixed curve table of package ecc) and signature verification
// for RSA PKCS#1 v1.5, RSASSA-PSS with its parameters and ECDSA.
package pkix
