// Package portrait decodes the facial image of DG2 into a JPEG that the
// face engine and the partner can read. JPEG portraits are decoded in Go;
// JPEG 2000 portraits, which Go's standard library cannot read, go through
// Debian's OpenJPEG command-line decoder opj_decompress (package
// libopenjp2-tools) at a process boundary: the image is written to a
// private temporary folder, decoded to PNG by the tool under a timeout, read
// back and re-encoded as JPEG. The dimensions, components and tiles that
// the codestream's SIZ marker declares are checked against the caps before
// the tool runs, so that it never allocates for an oversized image. A chip image is untrusted input; the
// decoder's crash or hang stays in its own process.
package portrait

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/kycgate/kycgate/nfc/icao/lds"
)

// Portrait is a decoded document portrait.
type Portrait struct {
	// Image is the decoded image.
	Image image.Image
	// JPEG is the portrait as JPEG: the chip's bytes for JPEG portraits,
	// a re-encoding for JPEG 2000 ones.
	JPEG []byte
	// Source is the encoding found on the chip.
	Source lds.ImageFormat
}

// The errors of Decode.
var (
	// ErrUnsupported means the image is neither JPEG nor JPEG 2000.
	ErrUnsupported = errors.New("portrait: image format not supported")
	// ErrUndecodable means the image could not be decoded.
	ErrUndecodable = errors.New("portrait: image could not be decoded")
	// ErrTooLarge means the image exceeds the size or pixel caps.
	ErrTooLarge = errors.New("portrait: image too large")
	// ErrJPEG2000Unavailable means opj_decompress is not installed.
	ErrJPEG2000Unavailable = errors.New("portrait: JPEG 2000 decoder opj_decompress not found (apt-get install libopenjp2-tools)")
)

// Decoder decodes portraits. The zero value uses the defaults.
type Decoder struct {
	// OPJDecompress is the opj_decompress executable (looked up in PATH
	// when it has no slash); default "opj_decompress".
	OPJDecompress string
	// Timeout bounds one opj_decompress run; default 10 s.
	Timeout time.Duration
	// MaxBytes caps the encoded image; default 1 MiB.
	MaxBytes int
	// MaxPixels caps width × height; default 16 million.
	MaxPixels int
}

// withDefaults fills the zero fields.
func (d Decoder) withDefaults() Decoder {
	if d.OPJDecompress == "" {
		d.OPJDecompress = "opj_decompress"
	}
	if d.Timeout == 0 {
		d.Timeout = 10 * time.Second
	}
	if d.MaxBytes == 0 {
		d.MaxBytes = 1 << 20
	}
	if d.MaxPixels == 0 {
		d.MaxPixels = 16_000_000
	}
	return d
}

// Decode decodes a DG2 facial image.
func (d Decoder) Decode(ctx context.Context, face lds.Face) (*Portrait, error) {
	d = d.withDefaults()
	if len(face.Image) > d.MaxBytes {
		return nil, ErrTooLarge
	}
	switch face.Format {
	case lds.ImageJPEG:
		img, err := d.decode(face.Image, jpeg.Decode, jpeg.DecodeConfig)
		if err != nil {
			return nil, err
		}
		return &Portrait{Image: img, JPEG: face.Image, Source: lds.ImageJPEG}, nil
	case lds.ImageJPEG2000:
		return d.decodeJPEG2000(ctx, face.Image)
	default:
		return nil, ErrUnsupported
	}
}

// decode checks the declared size against the pixel cap, then decodes.
func (d Decoder) decode(data []byte, decode func(r io.Reader) (image.Image, error), config func(r io.Reader) (image.Config, error)) (image.Image, error) {
	cfg, err := config(bytes.NewReader(data))
	if err != nil {
		return nil, ErrUndecodable
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > d.MaxPixels {
		return nil, ErrTooLarge
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrUndecodable
	}
	return img, nil
}

// decodeJPEG2000 checks the header's dimensions against the caps, then
// runs opj_decompress and re-encodes its PNG as JPEG.
func (d Decoder) decodeJPEG2000(ctx context.Context, data []byte) (*Portrait, error) {
	if err := d.checkJ2KSize(data); err != nil {
		return nil, err
	}
	tool, err := exec.LookPath(d.OPJDecompress)
	if err != nil {
		return nil, ErrJPEG2000Unavailable
	}
	dir, err := os.MkdirTemp("", "kycgate-portrait-")
	if err != nil {
		return nil, fmt.Errorf("portrait: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "portrait"+jpeg2000Extension(data))
	out := filepath.Join(dir, "portrait.png")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("portrait: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, "-i", in, "-o", out, "-quiet")
	cmd.Env = []string{}
	if err := cmd.Run(); err != nil {
		return nil, ErrUndecodable
	}
	decoded, err := os.ReadFile(out)
	if err != nil {
		return nil, ErrUndecodable
	}
	img, err := d.decode(decoded, png.Decode, png.DecodeConfig)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		return nil, fmt.Errorf("portrait: encode JPEG: %w", err)
	}
	return &Portrait{Image: img, JPEG: buf.Bytes(), Source: lds.ImageJPEG2000}, nil
}
