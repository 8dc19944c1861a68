// Package lds decodes the elementary files of the ICAO 9303 Logical Data
// Structure read from an eMRTD chip: EF.SOD (the document security object
// with its data group hashes), DG1 (MRZ), DG2 (facial image container),
// DG11 (additional personal details), DG14 (security infos, recorded) and
// DG15 (Active Authentication public key).
package lds
