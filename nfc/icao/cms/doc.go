// Package cms parses CMS SignedData (RFC 5652) as used by ICAO 9303: the
// document security object EF.SOD and CSCA master lists. BER indefinite
// lengths are normalised in the outer layers only; signed attributes and
// certificates are kept in their original encoding, and signed attributes
// are verified over those bytes with the [0] tag replaced by SET (0x31).
package cms
