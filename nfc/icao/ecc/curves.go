package ecc

import (
	"crypto/elliptic"
	"encoding/asn1"
	"math/big"
)

// Curve is a short Weierstrass curve y² = x³ + ax + b over the prime field
// of order P, with base point (Gx, Gy) of prime order N and cofactor 1.
type Curve struct {
	// Name is the curve's common name, for example "brainpoolP256r1".
	Name string
	// OID is the named-curve object identifier.
	OID asn1.ObjectIdentifier
	// P is the field prime.
	P *big.Int
	// A and B are the curve coefficients.
	A, B *big.Int
	// Gx and Gy are the base point coordinates.
	Gx, Gy *big.Int
	// N is the order of the base point.
	N *big.Int
	// std is the crypto/elliptic implementation for NIST curves, nil otherwise.
	std elliptic.Curve
}

// ByteSize is the length in bytes of a field element and of a scalar.
func (c *Curve) ByteSize() int {
	return (c.P.BitLen() + 7) / 8
}

// String returns the curve name.
func (c *Curve) String() string {
	return c.Name
}

// hexInt parses a constant from the curve table.
func hexInt(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("ecc: bad curve constant " + s)
	}
	return v
}

// brainpool builds a brainpool curve entry from RFC 5639 constants.
func brainpool(name string, arc int, p, a, b, gx, gy, n string) *Curve {
	return &Curve{
		Name: name,
		OID:  asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, arc},
		P:    hexInt(p), A: hexInt(a), B: hexInt(b),
		Gx: hexInt(gx), Gy: hexInt(gy), N: hexInt(n),
	}
}

// nist builds a NIST curve entry from crypto/elliptic, with a = -3 mod p.
func nist(name string, oid asn1.ObjectIdentifier, std elliptic.Curve) *Curve {
	p := std.Params()
	return &Curve{
		Name: name, OID: oid, P: p.P,
		A: new(big.Int).Sub(p.P, big.NewInt(3)), B: p.B,
		Gx: p.Gx, Gy: p.Gy, N: p.N, std: std,
	}
}

// The curve table. Brainpool constants are those published in RFC 5639.
var (
	P224 = nist("P-224", asn1.ObjectIdentifier{1, 3, 132, 0, 33}, elliptic.P224())
	P256 = nist("P-256", asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}, elliptic.P256())
	P384 = nist("P-384", asn1.ObjectIdentifier{1, 3, 132, 0, 34}, elliptic.P384())
	P521 = nist("P-521", asn1.ObjectIdentifier{1, 3, 132, 0, 35}, elliptic.P521())

	BrainpoolP192r1 = brainpool("brainpoolP192r1", 3,
		"C302F41D932A36CDA7A3463093D18DB78FCE476DE1A86297",
		"6A91174076B1E0E19C39C031FE8685C1CAE040E5C69A28EF",
		"469A28EF7C28CCA3DC721D044F4496BCCA7EF4146FBF25C9",
		"C0A0647EAAB6A48753B033C56CB0F0900A2F5C4853375FD6",
		"14B690866ABD5BB88B5F4828C1490002E6773FA2FA299B8F",
		"C302F41D932A36CDA7A3462F9E9E916B5BE8F1029AC4ACC1")
	BrainpoolP224r1 = brainpool("brainpoolP224r1", 5,
		"D7C134AA264366862A18302575D1D787B09F075797DA89F57EC8C0FF",
		"68A5E62CA9CE6C1C299803A6C1530B514E182AD8B0042A59CAD29F43",
		"2580F63CCFE44138870713B1A92369E33E2135D266DBB372386C400B",
		"0D9029AD2C7E5CF4340823B2A87DC68C9E4CE3174C1E6EFDEE12C07D",
		"58AA56F772C0726F24C6B89E4ECDAC24354B9E99CAA3F6D3761402CD",
		"D7C134AA264366862A18302575D0FB98D116BC4B6DDEBCA3A5A7939F")
	BrainpoolP256r1 = brainpool("brainpoolP256r1", 7,
		"A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377",
		"7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9",
		"26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6",
		"8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262",
		"547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997",
		"A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7")
	BrainpoolP320r1 = brainpool("brainpoolP320r1", 9,
		"D35E472036BC4FB7E13C785ED201E065F98FCFA6F6F40DEF4F92B9EC7893EC28FCD412B1F1B32E27",
		"3EE30B568FBAB0F883CCEBD46D3F3BB8A2A73513F5EB79DA66190EB085FFA9F492F375A97D860EB4",
		"520883949DFDBC42D3AD198640688A6FE13F41349554B49ACC31DCCD884539816F5EB4AC8FB1F1A6",
		"43BD7E9AFB53D8B85289BCC48EE5BFE6F20137D10A087EB6E7871E2A10A599C710AF8D0D39E20611",
		"14FDD05545EC1CC8AB4093247F77275E0743FFED117182EAA9C77877AAAC6AC7D35245D1692E8EE1",
		"D35E472036BC4FB7E13C785ED201E065F98FCFA5B68F12A32D482EC7EE8658E98691555B44C59311")
	BrainpoolP384r1 = brainpool("brainpoolP384r1", 11,
		"8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53",
		"7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826",
		"04A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11",
		"1D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E",
		"8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315",
		"8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565")
	BrainpoolP512r1 = brainpool("brainpoolP512r1", 13,
		"AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3",
		"7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA",
		"3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723",
		"81AEE4BDD82ED9645A21322E9C4C6A9385ED9F70B5D916C1B43B62EEF4D0098EFF3B1F78E2D0D48D50D1687B93B97D5F7C6D5047406A5E688B352209BCB9F822",
		"7DDE385D566332ECC0EABFA9CF7822FDF209F70024A57B1AA000C55B881F8111B2DCDE494A5F485E5BCA4BD88A2763AED1CA2B2FA8F0540678CD1E0F3AD80892",
		"AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069")
)

// table lists every accepted curve.
var table = []*Curve{
	P224, P256, P384, P521,
	BrainpoolP192r1, BrainpoolP224r1, BrainpoolP256r1,
	BrainpoolP320r1, BrainpoolP384r1, BrainpoolP512r1,
}

// Curves returns the accepted curves.
func Curves() []*Curve {
	return append([]*Curve(nil), table...)
}

// ByOID returns the curve with the given named-curve OID.
func ByOID(oid asn1.ObjectIdentifier) (*Curve, bool) {
	for _, c := range table {
		if c.OID.Equal(oid) {
			return c, true
		}
	}
	return nil, false
}

// Domain holds explicit EC domain parameters as found in an ECParameters
// structure. Cofactor is zero when absent.
type Domain struct {
	P, A, B, Gx, Gy, N *big.Int
	Cofactor           int64
}

// MatchDomain returns the table curve whose parameters equal d exactly.
// Parameters that match no table entry are refused: they are never used as
// given, since a forged curve would make any signature verifiable.
func MatchDomain(d Domain) (*Curve, bool) {
	if d.Cofactor != 0 && d.Cofactor != 1 {
		return nil, false
	}
	for _, c := range table {
		if eq(c.P, d.P) && eq(c.A, d.A) && eq(c.B, d.B) &&
			eq(c.Gx, d.Gx) && eq(c.Gy, d.Gy) && eq(c.N, d.N) {
			return c, true
		}
	}
	return nil, false
}

// eq compares two possibly nil integers.
func eq(a, b *big.Int) bool {
	return a != nil && b != nil && a.Cmp(b) == 0
}
