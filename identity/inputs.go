package identity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/gateway"
	"github.com/kycgate/kycgate/internal/jsonlimit"
	"github.com/kycgate/kycgate/store"
)

// maxInputsPartBytes caps the inputs JSON part.
const maxInputsPartBytes = 64 << 10

// maxFiles caps the files of one send-input request: one per input type.
const maxFiles = 3

// Upload is one file of a send-input request with its description.
type Upload struct {
	// InputType is selfie-photo, selfie-video or document-photo.
	InputType string
	// Filename names the file part.
	Filename string
	// Data is the file.
	Data []byte
	// document describes a document photo.
	document *documentInfo
}

// inputDescriptor is one entry of the inputs JSON part, as merchants send
// it: {"inputType": "selfie-photo", "data": {"filename": "selfie.jpg"}}.
type inputDescriptor struct {
	InputType string `json:"inputType"`
	Group     *int   `json:"group,omitempty"`
	Data      struct {
		Filename string `json:"filename"`
		Type     string `json:"type,omitempty"`
		Country  string `json:"country,omitempty"`
		Region   string `json:"region,omitempty"`
		Page     string `json:"page,omitempty"`
		// Number is the document number, when the merchant knows it; it
		// links the verification to the person's profile.
		Number string `json:"number,omitempty"`
	} `json:"data"`
}

// Inputs is one send-input request: its files, what the merchant said of
// the person, and the IP address the request came from.
type Inputs struct {
	// Uploads are the files with their descriptions.
	Uploads []Upload
	// Person is the optional person part, or nil.
	Person *Person
	// RequestIP is the request's peer IP address as the gateway saw it
	// (set by the handler, not by the form); empty when unknown.
	RequestIP string
}

// sendInputForm collects the parts of a send-input form as they are read.
type sendInputForm struct {
	descriptors []inputDescriptor
	files       map[string][]byte
	person      *Person
	personSeen  bool
}

// ParseSendInput reads a send-input form: an "inputs" part (a JSON array
// naming each file's input type and filename), the file parts and an
// optional "person" part (a JSON Person). Every described file must be
// present and every file described. maxFile caps each file; the route caps
// the whole body.
func ParseSendInput(r *multipart.Reader, maxFile int64) (Inputs, error) {
	form := &sendInputForm{files: map[string][]byte{}}
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Inputs{}, formError(err)
		}
		if err := form.readPart(part, maxFile); err != nil {
			return Inputs{}, err
		}
	}
	if form.descriptors == nil {
		return Inputs{}, camara.ErrInvalidArgument.WithMessage("the form needs an inputs part describing the files")
	}
	uploads, err := matchFiles(form.descriptors, form.files)
	if err != nil {
		return Inputs{}, err
	}
	return Inputs{Uploads: uploads, Person: form.person}, nil
}

// readPart reads the inputs part, the person part or one file part.
func (form *sendInputForm) readPart(part *multipart.Part, maxFile int64) error {
	defer func() { _ = part.Close() }()
	if part.FormName() == "inputs" && part.FileName() == "" {
		if form.descriptors != nil {
			return camara.ErrInvalidArgument.WithMessage("the form has two inputs parts")
		}
		raw, err := readLimited(part, maxInputsPartBytes, "the inputs part")
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &form.descriptors); err != nil || form.descriptors == nil {
			return camara.ErrInvalidArgument.WithMessage("the inputs part must be a JSON array of {inputType, data: {filename}}")
		}
		if err := jsonlimit.Check(raw); err != nil {
			return camara.ErrInvalidArgument.WithMessage("the inputs part: %s", err)
		}
		return nil
	}
	if part.FormName() == "person" && part.FileName() == "" {
		return form.readPerson(part)
	}
	name := part.FileName()
	if name == "" {
		return camara.ErrInvalidArgument.WithMessage("unexpected form field: only inputs, person and files are accepted")
	}
	if _, dup := form.files[name]; dup {
		return camara.ErrInvalidArgument.WithMessage("two files share a filename")
	}
	if len(form.files) == maxFiles {
		return camara.ErrInvalidArgument.WithMessage("at most %d files per request", maxFiles)
	}
	data, err := readLimited(part, maxFile, "a file")
	if err != nil {
		return err
	}
	form.files[name] = data
	return nil
}

// readPerson reads the person part.
func (form *sendInputForm) readPerson(part *multipart.Part) error {
	if form.personSeen {
		return camara.ErrInvalidArgument.WithMessage("the form has two person parts")
	}
	form.personSeen = true
	raw, err := readLimited(part, maxInputsPartBytes, "the person part")
	if err != nil {
		return err
	}
	form.person, err = parsePerson(raw)
	return err
}

// readLimited reads r, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, formError(err)
	}
	if int64(len(data)) > limit {
		return nil, camara.ErrPayloadTooLarge.WithMessage("%s exceeds %d bytes", what, limit)
	}
	return data, nil
}

// formError maps a multipart reading error: the body cap is 413, anything
// else a malformed form.
func formError(err error) error {
	if tooLarge := gateway.TooLarge(err); tooLarge != nil {
		return tooLarge
	}
	return camara.ErrInvalidArgument.WithMessage("the multipart form cannot be read").WithCause(err)
}

// matchFiles pairs each descriptor with its file.
func matchFiles(descriptors []inputDescriptor, files map[string][]byte) ([]Upload, error) {
	uploads := make([]Upload, 0, len(descriptors))
	used := map[string]bool{}
	for i, d := range descriptors {
		data, ok := files[d.Data.Filename]
		if d.Data.Filename == "" || !ok {
			return nil, camara.ErrInvalidArgument.WithMessage("inputs[%d]: data.filename must name a file part of the form", i)
		}
		if used[d.Data.Filename] {
			return nil, camara.ErrInvalidArgument.WithMessage("inputs[%d]: the file is described twice", i)
		}
		used[d.Data.Filename] = true
		u := Upload{InputType: d.InputType, Filename: d.Data.Filename, Data: data}
		if d.InputType == InputDocumentPhoto {
			u.document = &documentInfo{Type: d.Data.Type, Country: d.Data.Country, Region: d.Data.Region, Page: d.Data.Page, Number: d.Data.Number}
		}
		uploads = append(uploads, u)
	}
	if len(used) != len(files) {
		return nil, camara.ErrInvalidArgument.WithMessage("every file part must be described in inputs")
	}
	return uploads, nil
}

// InputResult is the answer for one uploaded input.
type InputResult struct {
	// Result is true when the input was stored.
	Result bool `json:"result"`
}

// SendInput stores the inputs of the merchant's verification. The
// verification must still take inputs; each upload must be an input the
// flow expects and has not received, of a supported type and size. The
// files are stored before the answer; once every expected input is in,
// processing is scheduled at once (otherwise it starts when the input
// window ends). A person part replaces the one received before; the
// request IP is kept with it for the person's profile.
func (s *Service) SendInput(ctx context.Context, merchantID, id string, in Inputs) ([]InputResult, error) {
	uploads := in.Uploads
	if len(uploads) == 0 {
		return nil, camara.ErrInvalidArgument.WithMessage("inputs must describe at least one file")
	}
	for attempt := 0; ; attempt++ {
		v, err := s.load(ctx, merchantID, id)
		if err != nil {
			return nil, err
		}
		if err := s.checkUploads(v, uploads); err != nil {
			return nil, err
		}
		err = s.storeInputs(ctx, v, in)
		if errors.Is(err, store.ErrConflict) && attempt < 3 {
			continue // processing or another upload changed it: check again
		}
		if err != nil && s.deleted(ctx, merchantID, id) {
			// Deleted while the files were written: storeInputs removed
			// them, and the verification is gone for this caller too.
			return nil, notFound("verification")
		}
		if err != nil {
			return nil, err
		}
		results := make([]InputResult, len(uploads))
		for i := range results {
			results[i].Result = true
		}
		return results, nil
	}
}

// checkUploads refuses uploads the verification cannot take.
func (s *Service) checkUploads(v *verification, uploads []Upload) error {
	if v.Status != StatusPending || s.expired(v) {
		return ErrInputsClosed
	}
	seen := map[string]bool{}
	for i, u := range uploads {
		in, ok := v.state.input(u.InputType)
		switch {
		case !validInputType(u.InputType):
			return camara.ErrInvalidArgument.WithMessage("inputs[%d]: inputType must be one of %v", i, inputOrder)
		case !ok:
			return camara.ErrInvalidArgument.WithMessage("inputs[%d]: the flow does not use a %s", i, u.InputType)
		case seen[u.InputType]:
			return camara.ErrInvalidArgument.WithMessage("inputs[%d]: %s is sent twice", i, u.InputType)
		case in.received():
			return camara.ErrConflict.WithMessage("inputs[%d]: %s was already received", i, u.InputType)
		}
		seen[u.InputType] = true
		if err := s.checkFile(i, u); err != nil {
			return err
		}
	}
	return nil
}

// checkFile refuses a file of the wrong type or size for its input.
func (s *Service) checkFile(i int, u Upload) error {
	limit := s.cfg.MaxPhotoBytes
	if isVideoInput(u.InputType) {
		limit = s.cfg.MaxVideoBytes
	}
	if int64(len(u.Data)) > limit {
		return camara.ErrPayloadTooLarge.WithMessage("inputs[%d]: a %s must be at most %d bytes", i, u.InputType, limit)
	}
	if _, ok := mediaType(u.InputType, u.Data); !ok {
		if isVideoInput(u.InputType) {
			return camara.ErrUnsupportedMediaType.WithMessage("inputs[%d]: a selfie-video must be MP4, WebM or QuickTime", i)
		}
		return camara.ErrUnsupportedMediaType.WithMessage("inputs[%d]: a %s must be a JPEG, PNG or WebP image", i, u.InputType)
	}
	return nil
}

// storeInputs writes the files, then the state that references them. On a
// failed state write the files are removed again.
func (s *Service) storeInputs(ctx context.Context, v *verification, inputs Inputs) error {
	now := s.now()
	uploads := inputs.Uploads
	keys := make([]string, 0, len(uploads))
	for _, u := range uploads {
		ext, _ := mediaType(u.InputType, u.Data)
		// A key of its own per upload: a concurrent upload that loses the
		// race removes only its own file.
		key := v.ID + "/" + u.InputType + "-" + newID()[:8] + ext
		if err := s.media.Put(ctx, key, u.Data); err != nil {
			s.removeMedia(keys)
			return fmt.Errorf("identity: store input: %w", err)
		}
		keys = append(keys, key)
		in, _ := v.state.input(u.InputType)
		in.MediaKey, in.ReceivedAt, in.Document = key, now, u.document
	}
	if inputs.Person != nil {
		v.state.Person = inputs.Person
	}
	if inputs.RequestIP != "" {
		v.state.RequestIP = inputs.RequestIP
	}
	var specs []eventSpec
	if v.state.allInputsReceived() {
		v.JobDueAt = now
		specs = append(specs, eventSpec{name: EventVerificationInputsCompleted})
	}
	events, err := s.events(ctx, v, specs...)
	if err == nil {
		err = s.save(ctx, v, events)
	}
	if err != nil {
		s.removeMedia(keys)
		return err
	}
	if v.state.allInputsReceived() {
		s.notifyProcessor()
	}
	s.logger.Info("inputs received", "verification_id", v.ID, "inputs", len(uploads), "complete", v.state.allInputsReceived())
	return nil
}

// deleted reports whether the merchant's verification no longer exists.
func (s *Service) deleted(ctx context.Context, merchantID, id string) bool {
	_, err := s.store.GetVerification(ctx, merchantID, id)
	return errors.Is(err, store.ErrNotFound)
}

// removeMedia deletes files whose reference was not written.
func (s *Service) removeMedia(keys []string) {
	for _, key := range keys {
		if err := s.media.Delete(context.Background(), key); err != nil {
			s.logger.Warn("removing an unreferenced input failed", "error", err.Error())
		}
	}
}

func validInputType(t string) bool {
	for _, in := range inputOrder {
		if in == t {
			return true
		}
	}
	return false
}

// mediaType sniffs data and returns the file extension for an accepted
// type of the input.
func mediaType(inputType string, data []byte) (string, bool) {
	if isVideoInput(inputType) {
		if isQuickTime(data) {
			return ".mov", true
		}
		switch http.DetectContentType(data) {
		case "video/mp4":
			return ".mp4", true
		case "video/webm":
			return ".webm", true
		}
		return "", false
	}
	switch http.DetectContentType(data) {
	case "image/jpeg":
		return ".jpg", true
	case "image/png":
		return ".png", true
	case "image/webp":
		return ".webp", true
	}
	return "", false
}

// isQuickTime recognises an ISO base media file whose major brand is "qt  ".
func isQuickTime(data []byte) bool {
	return len(data) >= 12 && bytes.Equal(data[4:8], []byte("ftyp")) && bytes.Equal(data[8:12], []byte("qt  "))
}
