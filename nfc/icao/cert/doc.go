// Package cert parses X.509 certificates of the ICAO PKI (CSCA, document
// signer and master list signer certificates) without crypto/x509, which
// refuses many real ones: explicit EC domain parameters, brainpool curves,
// SHA-1 signatures and negative serial numbers are all accepted here.
//
// Parse fails only on structural errors. An unsupported key or signature
// algorithm is recorded on the Certificate (PublicKeyErr,
// SignatureAlgorithmErr) so that a trust store can hold the certificate and
// report the algorithm problem when it is actually used.
package cert
