package trust

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/internal/testassets"
	"github.com/kycgate/kycgate/nfc/icao/cert"
)

// referenceDir locates ../shared/reference/icao from the module root, or
// skips the test when the shared folder is absent.
func referenceDir(t testing.TB) string {
	t.Helper()
	ref := filepath.Join(testassets.ModuleRoot(t), "..", "shared", "reference", "icao")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("reference master lists absent at %s: %v", ref, err)
	}
	return ref
}

// readReference reads one reference file.
func readReference(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(referenceDir(t), name))
	require.NoError(t, err)
	return data
}

// referenceLists names each master list with its signing root.
var referenceLists = []struct {
	list, root string
	count      int
}{
	{"DE_ML_2026-05-28-08-28-45.ml", "DE_ROOT_CA_CSCA07.cer", 588},
	{"NL_ML_2026-07-22.ml", "NL_ROOT_CA.cer", 411},
}

func TestReferenceMasterListsVerify(t *testing.T) {
	for _, tc := range referenceLists {
		t.Run(tc.list, func(t *testing.T) {
			ml, err := ParseMasterList(readReference(t, tc.list))
			require.NoError(t, err)
			assert.Len(t, ml.Certificates, tc.count, "every certificate parses")

			roots, err := ParseCertificateFile(readReference(t, tc.root))
			require.NoError(t, err)
			signer, err := ml.Verify(roots)
			require.NoError(t, err, "list signature verifies and its signer chains to the root")
			t.Logf("%s signed by %q (%s, %s)", tc.list, signer.Subject.CommonName(),
				signer.PublicKey.Describe(), ml.SignedData.SignerInfos[0].SignatureAlgorithm)

			store := NewStore()
			added, err := store.AddMasterList(readReference(t, tc.list), roots...)
			require.NoError(t, err)
			assert.Positive(t, added)
			assert.Equal(t, added, store.Len())
		})
	}
}

// TestReferenceMasterListsNeedTheirAnchor checks that the real lists are
// refused without a configured anchor and with the other country's root:
// their own CSCAs never anchor them.
func TestReferenceMasterListsNeedTheirAnchor(t *testing.T) {
	for i, tc := range referenceLists {
		t.Run(tc.list, func(t *testing.T) {
			ml, err := ParseMasterList(readReference(t, tc.list))
			require.NoError(t, err)
			_, err = ml.Verify(nil)
			assert.ErrorIs(t, err, ErrNoTrustAnchor)

			other := referenceLists[1-i].root
			wrong, err := ParseCertificateFile(readReference(t, other))
			require.NoError(t, err)
			_, err = ml.Verify(wrong)
			assert.ErrorIs(t, err, ErrMasterListSignature, "%s does not anchor %s", other, tc.list)
		})
	}
}

func TestReferenceMasterListRejectsTampering(t *testing.T) {
	data := bytes.Clone(readReference(t, referenceLists[1].list))
	roots, err := ParseCertificateFile(readReference(t, referenceLists[1].root))
	require.NoError(t, err)
	// Flip one byte inside the first certificate of the list content.
	idx := bytes.Index(data, []byte{0x30, 0x82})
	idx = bytes.Index(data[idx+200:], []byte("CSCA")) + idx + 200
	data[idx] ^= 0x01
	_, err = NewStore().AddMasterList(data, roots...)
	assert.ErrorIs(t, err, ErrMasterListSignature)

	_, err = NewStore().AddMasterList([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	assert.ErrorIs(t, err, ErrMasterListMalformed)
}

// TestReferenceCertificatesSelfSignaturesVerify checks every self-signed
// CSCA of both lists with its own key, and every link certificate with the
// key of the CSCA it names, logging counts per algorithm.
func TestReferenceCertificatesSelfSignaturesVerify(t *testing.T) {
	for _, tc := range referenceLists {
		t.Run(tc.list, func(t *testing.T) {
			ml, err := ParseMasterList(readReference(t, tc.list))
			require.NoError(t, err)
			keys := map[string]int{}
			sigs := map[string]int{}
			var selfSigned, selfOK, links, linksOK, linksNoIssuer int
			for _, c := range ml.Certificates {
				require.NoError(t, c.PublicKeyErr, "key of %s", c.Subject)
				require.NoError(t, c.SignatureAlgorithmErr, "algorithm of %s", c.Subject)
				keys[c.PublicKey.Describe()]++
				sigs[c.SignatureAlgorithm.String()]++
				if isSelfSigned(c) {
					selfSigned++
					if assert.NoError(t, c.CheckSignatureFrom(c), "self-signature of %s serial %s", c.Subject, c.SerialNumber) {
						selfOK++
					}
					continue
				}
				links++
				issuers := issuersIn(c, ml.Certificates)
				if len(issuers) == 0 {
					linksNoIssuer++
					continue
				}
				if verifiedByAny(c, issuers) {
					linksOK++
				}
			}
			assert.Equal(t, selfSigned, selfOK, "every self-signed CSCA verifies")
			assert.Equal(t, links-linksNoIssuer, linksOK, "every link certificate whose issuer is present verifies")
			t.Logf("%d certificates: %d self-signed (%d verified), %d issued by another CSCA (%d verified, %d whose issuer is not in the list)",
				len(ml.Certificates), selfSigned, selfOK, links, linksOK, linksNoIssuer)
			logCounts(t, "public keys", keys)
			logCounts(t, "signature algorithms", sigs)
		})
	}
}

// isSelfSigned reports a self-issued certificate whose key identifiers
// (when present) say it was signed by its own key.
func isSelfSigned(c *cert.Certificate) bool {
	if !c.SelfIssued() {
		return false
	}
	return len(c.AuthorityKeyID) == 0 || len(c.SubjectKeyID) == 0 || bytes.Equal(c.AuthorityKeyID, c.SubjectKeyID)
}

// issuersIn finds candidate issuers of c among certs: by authority key
// identifier, or by issuer name when key identifiers do not contradict.
func issuersIn(c *cert.Certificate, certs []*cert.Certificate) []*cert.Certificate {
	var out []*cert.Certificate
	for _, o := range certs {
		if o == c {
			continue
		}
		keyMatch := len(c.AuthorityKeyID) > 0 && bytes.Equal(c.AuthorityKeyID, o.SubjectKeyID)
		if keyMatch || c.IssuedBy(o) {
			out = append(out, o)
		}
	}
	return out
}

// verifiedByAny reports whether one of the issuers verifies c.
func verifiedByAny(c *cert.Certificate, issuers []*cert.Certificate) bool {
	for _, i := range issuers {
		if c.CheckSignatureFrom(i) == nil {
			return true
		}
	}
	return false
}

// logCounts prints a sorted histogram.
func logCounts(t *testing.T, what string, counts map[string]int) {
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("  %s: %-40s %d", what, n, counts[n])
	}
}
