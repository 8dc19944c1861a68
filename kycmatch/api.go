package kycmatch

// This file holds the signatures the rest of kycgate codes against. The
// bodies are written in match.go, codec.go and validate.go.

// Policy holds the operator settings that change how a match is decided.
type Policy struct {
	// RequireIDDocument makes idDocument mandatory and checked before every
	// other attribute (403 ID_DOCUMENT_REQUIRED / ID_DOCUMENT_MISMATCH).
	RequireIDDocument bool
}
