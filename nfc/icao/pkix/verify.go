package pkix

import (
	"bytes"
	"crypto"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/kycgate/kycgate/nfc/icao/tlv"
)

// Verify hashes message with the algorithm's digest and checks signature.
func Verify(pub *PublicKey, alg SignatureAlgorithm, message, signature []byte) error {
	if alg.Hash == 0 || !alg.Hash.Available() {
		return fmt.Errorf("%w: no usable digest for %s", ErrUnsupportedAlgorithm, alg)
	}
	h := alg.Hash.New()
	h.Write(message)
	return VerifyDigest(pub, alg, h.Sum(nil), signature)
}

// VerifyDigest checks signature over an already computed digest.
func VerifyDigest(pub *PublicKey, alg SignatureAlgorithm, digest, signature []byte) error {
	if pub == nil {
		return fmt.Errorf("%w: no public key", ErrUnsupportedAlgorithm)
	}
	var ok bool
	switch {
	case alg.Scheme == SchemePKCS1v15 && pub.RSA != nil:
		ok = verifyPKCS1v15(pub.RSA, alg.Hash, digest, signature)
	case alg.Scheme == SchemePSS && pub.RSA != nil:
		ok = verifyPSS(pub.RSA, alg, digest, signature)
	case alg.Scheme == SchemeECDSA && pub.EC != nil:
		ok = pub.EC.VerifyASN1(digest, signature)
	case alg.Scheme == SchemeECDSAPlain && pub.EC != nil:
		ok = pub.EC.VerifyPlain(digest, signature)
	default:
		return fmt.Errorf("%w: %s with a %s key", ErrUnsupportedAlgorithm, alg, pub.Describe())
	}
	if !ok {
		return ErrSignatureInvalid
	}
	return nil
}

// RSAEncrypt applies the public RSA operation s^e mod n and returns the
// result left-padded to the modulus length (RSAVP1 with I2OSP). It returns
// nil when the signature is out of range.
func RSAEncrypt(pub *RSAPublicKey, sig []byte) []byte {
	k := pub.Size()
	if len(sig) != k {
		return nil
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(pub.N) >= 0 {
		return nil
	}
	m := new(big.Int).Exp(s, pub.E, pub.N)
	return m.FillBytes(make([]byte, k))
}

// verifyPKCS1v15 rebuilds the EMSA-PKCS1-v1_5 encoding and compares it. Both
// DigestInfo forms, with and without NULL parameters, are accepted.
func verifyPKCS1v15(pub *RSAPublicKey, hash crypto.Hash, digest, sig []byte) bool {
	em := RSAEncrypt(pub, sig)
	if em == nil || hash == 0 || len(digest) != hash.Size() {
		return false
	}
	oid, ok := DigestOID(hash)
	if !ok {
		return false
	}
	withNull := digestInfo(oid, digest, true)
	withoutNull := digestInfo(oid, digest, false)
	return subtle.ConstantTimeCompare(em, pkcs1Pad(withNull, len(em))) == 1 ||
		subtle.ConstantTimeCompare(em, pkcs1Pad(withoutNull, len(em))) == 1
}

// digestInfo encodes DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }.
func digestInfo(oid []int, digest []byte, withNull bool) []byte {
	alg := [][]byte{tlv.EncodeOID(oid)}
	if withNull {
		alg = append(alg, tlv.Encode(tlv.TagNull, nil))
	}
	return tlv.EncodeConstructed(tlv.TagSequence,
		tlv.EncodeConstructed(tlv.TagSequence, alg...),
		tlv.Encode(tlv.TagOctetString, digest))
}

// pkcs1Pad builds 00 01 FF…FF 00 ‖ t of length k, or nil when t is too long.
func pkcs1Pad(t []byte, k int) []byte {
	if len(t)+11 > k {
		return nil
	}
	em := make([]byte, k)
	em[1] = 1
	for i := 2; i < k-len(t)-1; i++ {
		em[i] = 0xFF
	}
	copy(em[k-len(t):], t)
	return em
}

// verifyPSS implements EMSA-PSS-VERIFY (RFC 8017, 9.1.2) with separate
// message and mask generation hashes and trailer field 0xBC.
func verifyPSS(pub *RSAPublicKey, alg SignatureAlgorithm, digest, sig []byte) bool {
	m := RSAEncrypt(pub, sig)
	if m == nil || len(digest) != alg.Hash.Size() || !alg.MGFHash.Available() {
		return false
	}
	emBits := pub.N.BitLen() - 1
	emLen := (emBits + 7) / 8
	if len(m)-emLen > 1 || (len(m) > emLen && m[0] != 0) {
		return false
	}
	em := m[len(m)-emLen:]
	hLen, sLen := alg.Hash.Size(), alg.SaltLength
	if emLen < hLen+sLen+2 || em[emLen-1] != 0xBC {
		return false
	}
	maskedDB, h := em[:emLen-hLen-1], em[emLen-hLen-1:emLen-1]
	if maskedDB[0]>>(8-uint(8*emLen-emBits)) != 0 && 8*emLen-emBits > 0 {
		return false
	}
	db := MGF1XOR(alg.MGFHash, h, maskedDB)
	db[0] &= 0xFF >> uint(8*emLen-emBits)
	padLen := emLen - hLen - sLen - 2
	for _, b := range db[:padLen] {
		if b != 0 {
			return false
		}
	}
	if db[padLen] != 1 {
		return false
	}
	salt := db[len(db)-sLen:]
	hh := alg.Hash.New()
	hh.Write(make([]byte, 8))
	hh.Write(digest)
	hh.Write(salt)
	return bytes.Equal(hh.Sum(nil), h)
}

// MGF1XOR returns data XOR MGF1(seed, len(data)) with the given hash.
func MGF1XOR(hash crypto.Hash, seed, data []byte) []byte {
	out := make([]byte, len(data))
	var counter [4]byte
	done := 0
	for i := uint32(0); done < len(data); i++ {
		binary.BigEndian.PutUint32(counter[:], i)
		h := hash.New()
		h.Write(seed)
		h.Write(counter[:])
		block := h.Sum(nil)
		for j := 0; j < len(block) && done < len(data); j++ {
			out[done] = data[done] ^ block[j]
			done++
		}
	}
	return out
}

// RSAComplement returns n − j left-padded to the modulus length, for
// signature schemes that accept either representative (ISO/IEC 9796-2).
func RSAComplement(pub *RSAPublicKey, j []byte) []byte {
	v := new(big.Int).Sub(pub.N, new(big.Int).SetBytes(j))
	if v.Sign() < 0 {
		return make([]byte, pub.Size())
	}
	return v.FillBytes(make([]byte, pub.Size()))
}
