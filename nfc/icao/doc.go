// Package icao verifies the data read from an ICAO 9303 eMRTD chip and
// returns one verdict: passive authentication of EF.SOD and every data
// group, the document signer chained to a trusted CSCA with validity and
// revocation checks, the MRZ of DG1 with its check digits, the issuing
// country, the optional list of documents reported lost or stolen and the
// user's consent data, and finally Active Authentication of the session's
// challenge, which is required whenever EF.SOD lists DG15. DG1 and DG2 are
// required in every upload. The verdict is AUTHENTIC only when every step
// passed; otherwise it names the first failure.
//
// The building blocks live in sub-packages: tlv (BER-TLV), ecc (curves and
// ECDSA, brainpool included), pkix (keys and signatures), cert (X.509), crl,
// cms (SignedData), trust (CSCA store and master lists), mrz, lds (EF.SOD
// and data groups), aa (Active Authentication) and specimen (test and demo
// chips).
package icao
