package identity_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/identity"
)

// The selfie fraud codes are checked end to end: real shared photos, the
// real engine, the real signals. The tests only write what a fraudster's
// file would carry (an editor's name in the metadata, a screen's grid) and
// never touch the engine's signals.

// selfieOutcome runs a selfie-only verification of photo and returns its
// final status and the selfie step's error code ("" when it passed), after
// checking the step_completed webhooks against the seeds.
func selfieOutcome(t *testing.T, e *env, flowID, identityID string, photo []byte) (string, string) {
	t.Helper()
	done, _ := e.verifySelfie(flowID, identityID, nil, photo)
	steps := requireStepWebhooks(t, e, done["id"].(string))
	code, _ := stepError(t, done, identity.StepSelfie)["code"].(string)
	hooked, _ := steps[identity.StepSelfie]["error"].(map[string]any)
	hookedCode, _ := hooked["code"].(string)
	assert.Equal(t, code, hookedCode, "the webhook shows the resource's error")
	return done["status"].(string), code
}

func TestReplayedSelfieIsAFraudAttempt(t *testing.T) {
	e := newEnv(t, envOptions{})
	first := e.createFlow(merchantA, identity.StepSelfie)
	again := e.createFlow(merchantA, identity.StepSelfie, identity.StepReFacematch)
	photo := face(t, personFirst)
	original, _ := e.verifySelfie(first, "", nil, photo)
	require.Equal(t, identity.StatusVerified, original["status"], "resource: %v", original)
	identityID := original["identity"].(string)

	tests := []struct {
		name   string
		photo  []byte
		status string
		code   string
	}{
		{"another photo of the person", face(t, personLater), identity.StatusVerified, ""},
		{"the first verification's file, one verification later", photo, identity.StatusRejected, identity.CodeFraudAttempt},
		{"the previous verification's file", face(t, personLater), identity.StatusRejected, identity.CodeFraudAttempt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code := selfieOutcome(t, e, again, identityID, tt.photo)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, code)
		})
	}
}

func TestEditingTracesInMetadataAreTampering(t *testing.T) {
	e := newEnv(t, envOptions{})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	photo := face(t, personLater)
	tests := []struct {
		name   string
		photo  []byte
		status string
		code   string
	}{
		{"the camera's file", photo, identity.StatusVerified, ""},
		{"EXIF Software tag of Photoshop", withAPP1(t, photo, exifWithSoftware("Adobe Photoshop 25.0 (Windows)")), identity.StatusRejected, identity.CodeTampered},
		{"XMP CreatorTool of GIMP", withAPP1(t, photo, xmpWithCreatorTool("GIMP 2.10")), identity.StatusRejected, identity.CodeTampered},
		{"EXIF Software tag of a camera", withAPP1(t, photo, exifWithSoftware("Camera firmware 1.0")), identity.StatusVerified, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code := selfieOutcome(t, e, flow, "", tt.photo)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, code)
		})
	}
}

func TestScreenMoireIsADigitalSpoofAttack(t *testing.T) {
	e := newEnv(t, envOptions{})
	flow := e.createFlow(merchantA, identity.StepSelfie)
	for _, name := range []string{"alex@1.jpg", "kit@3.jpg"} {
		t.Run(name, func(t *testing.T) {
			src := scaled(t, name, 480)
			status, code := selfieOutcome(t, e, flow, "", encodeJPEG(t, src))
			assert.Equal(t, identity.StatusVerified, status, "the photo itself passes")
			assert.Empty(t, code)

			status, code = selfieOutcome(t, e, flow, "", encodeJPEG(t, withScreenGrid(src, 5, 0.25)))
			require.Contains(t, []string{identity.CodeDigitalSpoofMedium, identity.CodeDigitalSpoofCritical}, code,
				"a photographed screen (status %s)", status)
			want := map[string]string{identity.CodeDigitalSpoofMedium: identity.StatusReviewNeeded,
				identity.CodeDigitalSpoofCritical: identity.StatusRejected}[code]
			assert.Equal(t, want, status)
		})
	}
}

// encodeJPEG encodes img at quality 90.
func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}))
	return buf.Bytes()
}

// withScreenGrid multiplies src by the grid of a screen's pixel rows and
// columns, slanted as when a phone photographs a monitor: two families of
// dark lines period pixels apart, darkening by up to depth.
func withScreenGrid(src *image.RGBA, period, depth float64) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	const angle = 0.35
	for y := range src.Bounds().Dy() {
		for x := range src.Bounds().Dx() {
			u := float64(x)*math.Cos(angle) + float64(y)*math.Sin(angle)
			v := -float64(x)*math.Sin(angle) + float64(y)*math.Cos(angle)
			line := math.Max(0.5+0.5*math.Cos(2*math.Pi*u/period), 0.5+0.5*math.Cos(2*math.Pi*v/period))
			gain := 1 - depth*line
			i := src.PixOffset(x, y)
			for c := range 3 {
				out.Pix[i+c] = uint8(float64(src.Pix[i+c]) * gain)
			}
			out.Pix[i+3] = 255
		}
	}
	return out
}

// withAPP1 inserts an APP1 segment with payload right after the JPEG's
// start-of-image marker, where editors write their EXIF and XMP.
func withAPP1(t *testing.T, jpegData, payload []byte) []byte {
	t.Helper()
	require.True(t, len(jpegData) > 2 && jpegData[0] == 0xFF && jpegData[1] == 0xD8, "a JPEG")
	require.Less(t, len(payload), 0xFFFF-2)
	out := append([]byte{}, jpegData[:2]...)
	out = append(out, 0xFF, 0xE1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
	out = append(out, payload...)
	out = append(out, jpegData[2:]...)
	_, err := jpeg.Decode(bytes.NewReader(out))
	require.NoError(t, err, "the edited file is still a valid JPEG")
	return out
}

// exifWithSoftware is an EXIF payload (big-endian TIFF) whose first IFD
// holds one tag: Software (0x0131, ASCII).
func exifWithSoftware(software string) []byte {
	value := append([]byte(software), 0)
	out := []byte("Exif\x00\x00MM\x00\x2A")
	out = binary.BigEndian.AppendUint32(out, 8) // IFD0 offset
	out = binary.BigEndian.AppendUint16(out, 1) // one entry
	out = binary.BigEndian.AppendUint16(out, 0x0131)
	out = binary.BigEndian.AppendUint16(out, 2) // ASCII
	out = binary.BigEndian.AppendUint32(out, uint32(len(value)))
	out = binary.BigEndian.AppendUint32(out, 8+2+12+4) // value right after the IFD
	out = binary.BigEndian.AppendUint32(out, 0)        // no next IFD
	return append(out, value...)
}

// xmpWithCreatorTool is an XMP payload naming the tool that wrote the file.
func xmpWithCreatorTool(tool string) []byte {
	return []byte("http://ns.adobe.com/xap/1.0/\x00" +
		`<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="` + tool + `"/>` +
		`</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`)
}
