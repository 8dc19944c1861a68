package lds

import (
	"testing"
)

// FuzzParseSOD feeds arbitrary bytes to the EF.SOD parser (BER
// normalisation, CMS and the LDS security object); it must never panic.
func FuzzParseSOD(f *testing.F) {
	f.Add([]byte{0x77, 0x03, 0x30, 0x01, 0x00})
	f.Add([]byte{0x77, 0x80, 0x30, 0x80, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		sod, err := ParseSOD(data)
		if err != nil {
			return
		}
		for i := range sod.SignedData.SignerInfos {
			si := &sod.SignedData.SignerInfos[i]
			if signer := si.FindSigner(sod.SignedData.Certificates); signer != nil {
				_ = si.Verify(sod.SignedData.ContentType, sod.SignedData.Content, signer)
			}
		}
	})
}

// FuzzParseDataGroups feeds arbitrary bytes to the data group parsers.
func FuzzParseDataGroups(f *testing.F) {
	f.Add(EncodeDG1("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10"))
	f.Add(EncodeDG2([]byte{0xFF, 0xD8, 0xFF, 0xD9}, ImageJPEG, 1, 1))
	f.Add(EncodeDG11(DG11{FullName: "A<<B", OtherNames: []string{"C"}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseDG1(data)
		_, _ = ParseDG2(data)
		_, _ = ParseDG11(data)
		_, _ = ParseDG14(data)
		_, _ = ParseDG15(data)
	})
}
