// Package identity runs merchants' biometric verifications: flows,
// verifications of identities, re-verification of returning customers
// (Customer Access Management), and the API that exposes them through the
// gateway (Module). The wire shapes — paths, fields, step ids, event names,
// error codes and messages — are those of the seeds clients code against.
//
// # Merchants
//
// The merchant is the token's client id. Every flow, verification,
// identity, media file and webhook event belongs to one merchant, and every
// store query is scoped to it: another merchant's id is answered 404, like
// an id that does not exist.
//
// # Steps
//
// A flow runs some of these steps, always in this order:
//
//	selfie        selfie-photo    passive checks on a photo; keeps its face capture
//	liveness      selfie-video    frames sampled with ffmpeg; keeps the best frame's capture
//	facematch     document-photo  the capture against the document's face
//	re-facematch  (none)          the capture against the previous verification's
//
// facematch and re-facematch need the selfie or the liveness step (the
// photo's capture is preferred). A step whose input never came fails with
// input.failed; a comparison whose capture step produced no face fails with
// node.failed; an engine failure is system.internalError "Internal error"
// and a step past the configured time limit system.internalError "Step
// timeout".
//
// The selfie step maps the engine's signals to the seed's codes as
// documented on selfieVerdict: a replay of an earlier capture of the
// identity is fraudAttempt, editing traces in the metadata tampered, moiré
// together with the liveness model digitalSpoofAttackCritical, either alone
// digitalSpoofAttackMedium, and poor capture quality (or no usable face)
// negligence. faceEvasionAttack* and underage are never raised: no signal
// supports them. The liveness step fails with the seed's legacy error "User
// did not pass liveness" when the frames show different faces, no motion,
// a replay, or no usable face.
//
// Scores are the engine's calibrated 0–100 scale. A flow may set
// facematchThreshold; without it each comparison uses the engine's
// calibrated threshold of its kind (50 for selfie against selfie and about
// 41 for selfie against document with the shipped model).
//
// # Status
//
// decide derives the verification's status: rejected when a step has a
// rejecting error (fraud attempt, tampered, a critical spoof, a failed video
// liveness, a face matching neither the document nor the previous selfie);
// otherwise reviewNeeded when any step has an error; otherwise verified. A
// verification that was not rejected and holds a face capture becomes the
// identity's reference for its next re-verification.
//
// # Processing
//
// Inputs are stored (media store, then the verification's record) before
// send-input answers. Processing is a job kept in the verification's row:
// due when every input arrived, or when the input window ends. Processors
// claim due jobs with a lease, save each step's result with its
// step_completed event in one transaction, and finish with
// verification_completed. A crash or restart loses nothing: the lease runs
// out and the next claim resumes at the first unfinished step.
//
// # Data protection
//
// Face templates are sealed with AES-256-GCM (biometric.SealTemplate)
// before they are stored and never logged; media are served only through
// signed, expiring URLs to the owning merchant; DELETE removes a
// verification's files, templates, events and, with its last verification,
// its identity. Logs carry ids, step ids and error codes, never images,
// templates, metadata or file names.
package identity
