package ecc

import (
	"errors"
	"math/big"
)

// ErrInvalidPoint means an encoded point is malformed or not on the curve.
var ErrInvalidPoint = errors.New("ecc: invalid point")

// IsOnCurve reports whether (x, y) is an affine point of the curve with
// coordinates reduced modulo P.
func (c *Curve) IsOnCurve(x, y *big.Int) bool {
	if x == nil || y == nil || x.Sign() < 0 || y.Sign() < 0 || x.Cmp(c.P) >= 0 || y.Cmp(c.P) >= 0 {
		return false
	}
	return new(big.Int).Exp(y, two, c.P).Cmp(c.rhs(x)) == 0
}

// rhs computes x³ + ax + b mod P.
func (c *Curve) rhs(x *big.Int) *big.Int {
	r := new(big.Int).Exp(x, big.NewInt(3), c.P)
	ax := new(big.Int).Mul(c.A, x)
	r.Add(r, ax).Add(r, c.B)
	return r.Mod(r, c.P)
}

// DecodePoint reads an uncompressed (04) or compressed (02/03) SEC 1 point.
func (c *Curve) DecodePoint(b []byte) (x, y *big.Int, err error) {
	size := c.ByteSize()
	switch {
	case len(b) == 1+2*size && b[0] == 4:
		x = new(big.Int).SetBytes(b[1 : 1+size])
		y = new(big.Int).SetBytes(b[1+size:])
	case len(b) == 1+size && (b[0] == 2 || b[0] == 3):
		x = new(big.Int).SetBytes(b[1:])
		if x.Cmp(c.P) >= 0 {
			return nil, nil, ErrInvalidPoint
		}
		y = new(big.Int).ModSqrt(c.rhs(x), c.P)
		if y == nil {
			return nil, nil, ErrInvalidPoint
		}
		if y.Bit(0) != uint(b[0]&1) {
			y.Sub(c.P, y)
		}
	default:
		return nil, nil, ErrInvalidPoint
	}
	if !c.IsOnCurve(x, y) {
		return nil, nil, ErrInvalidPoint
	}
	return x, y, nil
}

// EncodePoint writes the uncompressed SEC 1 form of (x, y).
func (c *Curve) EncodePoint(x, y *big.Int) []byte {
	size := c.ByteSize()
	out := make([]byte, 1+2*size)
	out[0] = 4
	x.FillBytes(out[1 : 1+size])
	y.FillBytes(out[1+size:])
	return out
}

var (
	one = big.NewInt(1)
	two = big.NewInt(2)
)

// jacobian is a point (X/Z², Y/Z³); Z = 0 is the point at infinity.
type jacobian struct {
	x, y, z *big.Int
}

// affineToJacobian lifts an affine point.
func affineToJacobian(x, y *big.Int) jacobian {
	return jacobian{new(big.Int).Set(x), new(big.Int).Set(y), big.NewInt(1)}
}

// infinity returns the neutral element.
func infinity() jacobian {
	return jacobian{big.NewInt(0), big.NewInt(1), big.NewInt(0)}
}

// toAffine converts back; ok is false at infinity.
func (c *Curve) toAffine(p jacobian) (x, y *big.Int, ok bool) {
	if p.z.Sign() == 0 {
		return nil, nil, false
	}
	zinv := new(big.Int).ModInverse(p.z, c.P)
	zinv2 := new(big.Int).Mul(zinv, zinv)
	x = new(big.Int).Mul(p.x, zinv2)
	x.Mod(x, c.P)
	y = new(big.Int).Mul(p.y, zinv2.Mul(zinv2, zinv))
	y.Mod(y, c.P)
	return x, y, true
}

// double returns 2p for a curve with arbitrary a.
func (c *Curve) double(p jacobian) jacobian {
	if p.z.Sign() == 0 || p.y.Sign() == 0 {
		return infinity()
	}
	m := c.P
	yy := mulMod(p.y, p.y, m)
	s := mulMod(big.NewInt(4), mulMod(p.x, yy, m), m)
	zz := mulMod(p.z, p.z, m)
	mm := mulMod(big.NewInt(3), mulMod(p.x, p.x, m), m)
	mm.Add(mm, mulMod(c.A, mulMod(zz, zz, m), m)).Mod(mm, m)
	x3 := mulMod(mm, mm, m)
	x3.Sub(x3, s).Sub(x3, s).Mod(x3, m)
	y3 := new(big.Int).Sub(s, x3)
	y3 = mulMod(mm, y3, m)
	y3.Sub(y3, mulMod(big.NewInt(8), mulMod(yy, yy, m), m)).Mod(y3, m)
	z3 := mulMod(two, mulMod(p.y, p.z, m), m)
	return jacobian{x3, y3, z3}
}

// add returns p + q, handling the doubling and inverse cases.
func (c *Curve) add(p, q jacobian) jacobian {
	if p.z.Sign() == 0 {
		return q
	}
	if q.z.Sign() == 0 {
		return p
	}
	m := c.P
	z1z1 := mulMod(p.z, p.z, m)
	z2z2 := mulMod(q.z, q.z, m)
	u1 := mulMod(p.x, z2z2, m)
	u2 := mulMod(q.x, z1z1, m)
	s1 := mulMod(p.y, mulMod(q.z, z2z2, m), m)
	s2 := mulMod(q.y, mulMod(p.z, z1z1, m), m)
	h := new(big.Int).Sub(u2, u1)
	h.Mod(h, m)
	r := new(big.Int).Sub(s2, s1)
	r.Mod(r, m)
	if h.Sign() == 0 {
		if r.Sign() == 0 {
			return c.double(p)
		}
		return infinity()
	}
	hh := mulMod(h, h, m)
	hhh := mulMod(h, hh, m)
	v := mulMod(u1, hh, m)
	x3 := mulMod(r, r, m)
	x3.Sub(x3, hhh).Sub(x3, v).Sub(x3, v).Mod(x3, m)
	y3 := new(big.Int).Sub(v, x3)
	y3 = mulMod(r, y3, m)
	y3.Sub(y3, mulMod(s1, hhh, m)).Mod(y3, m)
	z3 := mulMod(mulMod(p.z, q.z, m), h, m)
	return jacobian{x3, y3, z3}
}

// mulMod returns a·b mod m in a fresh integer.
func mulMod(a, b, m *big.Int) *big.Int {
	r := new(big.Int).Mul(a, b)
	return r.Mod(r, m)
}

// scalarMult returns k·(x, y) by double-and-add.
func (c *Curve) scalarMult(x, y, k *big.Int) jacobian {
	return c.combinedMult(x, y, k, nil, nil, big.NewInt(0))
}

// combinedMult returns u1·(x1, y1) + u2·(x2, y2) with Shamir's trick. The
// second point may be nil when u2 is zero.
func (c *Curve) combinedMult(x1, y1, u1, x2, y2, u2 *big.Int) jacobian {
	p := affineToJacobian(x1, y1)
	var q, pq jacobian
	if x2 != nil {
		q = affineToJacobian(x2, y2)
		pq = c.add(p, q)
	}
	acc := infinity()
	for i := max(u1.BitLen(), u2.BitLen()) - 1; i >= 0; i-- {
		acc = c.double(acc)
		switch {
		case u1.Bit(i) == 1 && u2.Bit(i) == 1:
			acc = c.add(acc, pq)
		case u1.Bit(i) == 1:
			acc = c.add(acc, p)
		case u2.Bit(i) == 1:
			acc = c.add(acc, q)
		}
	}
	return acc
}

// ScalarBaseMult returns k·G in affine coordinates; ok is false when the
// result is the point at infinity.
func (c *Curve) ScalarBaseMult(k *big.Int) (x, y *big.Int, ok bool) {
	return c.toAffine(c.scalarMult(c.Gx, c.Gy, k))
}
