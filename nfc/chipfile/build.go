package chipfile

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // PNG photos are accepted too.
	"math/big"
	"time"

	"github.com/kycgate/kycgate/nfc/icao/lds"
	"github.com/kycgate/kycgate/nfc/icao/mrz"
	"github.com/kycgate/kycgate/nfc/icao/specimen"
	"github.com/kycgate/kycgate/nfc/upload"
)

// Options describe the specimen to build. Zero fields take ICAO 9303's
// specimen holder, Anna Maria Eriksson of Utopia.
type Options struct {
	// Photo is the holder's face, JPEG or PNG; it becomes DG2 as JPEG,
	// scaled down to at most 480 pixels high. Empty puts a generated
	// picture without a face into DG2, which every chip must carry.
	Photo []byte
	// Document gives the MRZ fields.
	Document specimen.Document
	// SignerKey is the key type of the CSCA and document signer (RSA when
	// zero).
	SignerKey specimen.KeyType
	// NoActiveAuthentication builds a chip without DG15.
	NoActiveAuthentication bool
	// RevokeDocumentSigner writes a CRL that lists the chip's own document
	// signer as revoked, so that a gateway trusting the file's CSCA and CRL
	// answers DS_REVOKED: for tests and demos of the revoked-document path.
	RevokeDocumentSigner bool
	// Now anchors the validity periods (the current time when zero).
	Now time.Time
}

// DefaultDocument returns ICAO 9303's specimen passport fields with an
// expiry five years after now.
func DefaultDocument(now time.Time) specimen.Document {
	return specimen.Document{
		Format: mrz.TD3, DocumentCode: "P", IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
		DocumentNumber: "L898902C3", Nationality: "UTO", DateOfBirth: "740812", Sex: "F",
		DateOfExpiry: now.AddDate(5, 0, 0).Format("060102"), OptionalData: "ZE184226B",
	}
}

// Build creates a specimen chip with its demo CSCA.
func Build(o Options) (*File, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	if o.Document.DocumentNumber == "" {
		o.Document = DefaultDocument(now)
	}
	if o.SignerKey == 0 {
		o.SignerKey = specimen.RSA
	}
	csca, ds, err := authorities(o.SignerKey, o.Document.IssuingState, now)
	if err != nil {
		return nil, err
	}
	spec := specimen.ChipSpec{Document: o.Document, FaceFormat: lds.ImageJPEG}
	photo := o.Photo
	if len(photo) == 0 {
		if photo, err = placeholderPortrait(); err != nil {
			return nil, err
		}
	}
	if spec.Face, spec.FaceWidth, spec.FaceHeight, err = portraitJPEG(photo); err != nil {
		return nil, err
	}
	if !o.NoActiveAuthentication {
		priv, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			return nil, err
		}
		spec.AAKey = specimen.NewRSAKey(priv, false)
	}
	chip, err := specimen.NewChip(spec, ds, specimen.SODOptions{})
	if err != nil {
		return nil, fmt.Errorf("chipfile: %w", err)
	}
	var revoked []*big.Int
	if o.RevokeDocumentSigner {
		revoked = []*big.Int{ds.Certificate.SerialNumber}
	}
	crl, err := csca.IssueCRL(revoked, now.Add(-time.Hour), now.AddDate(0, 1, 0))
	if err != nil {
		return nil, fmt.Errorf("chipfile: crl: %w", err)
	}
	return newFile(chip, csca.DER, crl, o.Document)
}

// newFile assembles the file of a built chip.
func newFile(chip *specimen.Chip, csca, crl []byte, doc specimen.Document) (*File, error) {
	f := &File{
		Format: FormatVersion, CSCA: csca, CRL: crl, SOD: chip.SOD,
		DataGroups: upload.NewDataGroups(chip.DataGroups),
		Consent:    upload.Consent{DocumentNumber: doc.DocumentNumber, DateOfBirth: doc.DateOfBirth, DateOfExpiry: doc.DateOfExpiry},
	}
	if chip.AAKey != nil {
		der, err := x509.MarshalPKCS8PrivateKey(chip.AAKey.RSAKey())
		if err != nil {
			return nil, fmt.Errorf("chipfile: aa key: %w", err)
		}
		f.AAKey = der
	}
	return f, nil
}

// authorities creates the demo CSCA and its document signer.
func authorities(kt specimen.KeyType, issuingState string, now time.Time) (*specimen.Authority, *specimen.Authority, error) {
	country := "UT"
	if len(issuingState) >= 2 && issuingState != "UTO" {
		country = issuingState[:2]
	}
	cscaKey, err := specimen.NewKey(kt, 2048)
	if err != nil {
		return nil, nil, err
	}
	dsKey, err := specimen.NewKey(kt, 2048)
	if err != nil {
		return nil, nil, err
	}
	csca, err := specimen.NewCSCA(cscaKey,
		specimen.Subject{Country: country, Organization: "kycgate demo", CommonName: "kycgate demo CSCA (not a real authority)"},
		specimen.Validity{NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(10, 0, 0)})
	if err != nil {
		return nil, nil, fmt.Errorf("chipfile: csca: %w", err)
	}
	ds, err := csca.Issue(dsKey,
		specimen.Subject{Country: country, Organization: "kycgate demo", CommonName: "kycgate demo document signer"},
		specimen.Validity{NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(3, 0, 0)})
	if err != nil {
		return nil, nil, fmt.Errorf("chipfile: document signer: %w", err)
	}
	return csca, ds, nil
}

// placeholderPortrait is the DG2 picture of a specimen built without a
// photo: a 120×160 grey gradient, no face, so face comparison reports
// FACE_NOT_COMPARED.
func placeholderPortrait() ([]byte, error) {
	img := image.NewGray(image.Rect(0, 0, 120, 160))
	for y := range 160 {
		for x := range 120 {
			img.Pix[img.PixOffset(x, y)] = uint8(64 + (x+y)/2)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("chipfile: placeholder portrait: %w", err)
	}
	return buf.Bytes(), nil
}

// maxPortraitHeight is the height DG2 portraits are scaled down to.
const maxPortraitHeight = 480

// portraitJPEG decodes the photo and re-encodes it, scaled down, as JPEG.
func portraitJPEG(photo []byte) ([]byte, int, int, error) {
	img, _, err := image.Decode(bytes.NewReader(photo))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("chipfile: photo is not a readable JPEG or PNG")
	}
	img = scaleDown(img, maxPortraitHeight)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		return nil, 0, 0, fmt.Errorf("chipfile: encode portrait: %w", err)
	}
	b := img.Bounds()
	return buf.Bytes(), b.Dx(), b.Dy(), nil
}

// scaleDown shrinks img by an integer box filter so that its height is at
// most maxHeight.
func scaleDown(img image.Image, maxHeight int) image.Image {
	b := img.Bounds()
	factor := (b.Dy() + maxHeight - 1) / maxHeight
	if factor <= 1 {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()/factor, b.Dy()/factor))
	for y := range out.Bounds().Dy() {
		for x := range out.Bounds().Dx() {
			var r, g, bl uint32
			for dy := range factor {
				for dx := range factor {
					cr, cg, cb, _ := img.At(b.Min.X+x*factor+dx, b.Min.Y+y*factor+dy).RGBA()
					r, g, bl = r+cr, g+cg, bl+cb
				}
			}
			n := uint32(factor * factor)
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(r/n>>8), uint8(g/n>>8), uint8(bl/n>>8), 255
		}
	}
	return out
}
