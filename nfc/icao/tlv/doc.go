// Package tlv decodes and encodes the BER-TLV structures used by ICAO 9303
// documents: ASN.1 DER/BER objects (certificates, CMS, LDS security objects)
// and the application-tagged data groups of an eMRTD chip.
//
// Decoding is bounded: a single element may not exceed Limits.MaxLength bytes
// and tree walks stop at Limits.MaxDepth nesting levels. Indefinite lengths
// (BER) are only accepted by Normalize, which rewrites them to definite
// lengths for a given number of outer layers and leaves inner layers (signed
// attributes, certificates) byte-for-byte untouched.
package tlv
