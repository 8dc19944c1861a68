package identity

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/kycgate/kycgate/store"
)

// Run processes due verifications until ctx ends, then waits for the ones
// in flight to stop at their next step boundary. Processing state lives in
// the store, so a verification interrupted by a crash or a shutdown is
// claimed again when its lease runs out and resumes at its first
// unfinished step.
func (s *Service) Run(ctx context.Context) error {
	slots := make(chan struct{}, s.cfg.Workers)
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	ticker := time.NewTicker(s.cfg.PollInterval)
	defer ticker.Stop()
	for {
		s.dispatch(ctx, slots, &inFlight)
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-ticker.C:
		}
	}
}

// dispatch claims as many due verifications as there are free workers.
func (s *Service) dispatch(ctx context.Context, slots chan struct{}, inFlight *sync.WaitGroup) {
	free := cap(slots) - len(slots)
	if free == 0 || ctx.Err() != nil {
		return
	}
	claimed, err := s.store.ClaimVerificationJobs(ctx, s.now(), s.cfg.lease(), free)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Error("claiming verifications failed", slog.String("error", err.Error()))
		}
		return
	}
	for _, rec := range claimed {
		slots <- struct{}{}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			defer func() { <-slots; s.notifyProcessor() }()
			s.process(ctx, rec)
		}()
	}
}

// process runs the claimed verification's unfinished steps, saving each
// result with its step_completed event, then decides the status and saves
// it with verification_completed. A failed save stops processing; the
// lease then runs out and another attempt resumes.
func (s *Service) process(ctx context.Context, rec store.Verification) {
	v, err := decodeVerification(rec)
	if err != nil {
		s.logger.Error("decoding a verification failed", "verification_id", rec.ID, "error", err.Error())
		return
	}
	log := s.logger.With(slog.String("verification_id", v.ID), slog.String("merchant_id", v.MerchantID))
	if err := s.start(ctx, v); err != nil {
		logAbort(log, ctx, err)
		return
	}
	giveUp := v.JobAttempts > s.cfg.MaxJobAttempts
	for i := range v.state.Steps {
		if v.state.Steps[i].Status == stepDone {
			continue
		}
		result := errorStep(v.state.Steps[i].ID, errInternal)
		if !giveUp {
			result = s.runStep(ctx, v, v.state.Steps[i].ID)
		}
		if ctx.Err() != nil {
			return // shutting down: the step is run again after the restart
		}
		if err := s.finishStep(ctx, v, i, result); err != nil {
			s.abort(ctx, log, v, err)
			return
		}
		log.Info("step completed", "step", result.ID, "error_code", errorCode(result.Error))
	}
	if err := s.complete(ctx, v); err != nil {
		s.abort(ctx, log, v, err)
		return
	}
	log.Info("verification completed", "status", v.Status)
}

// abort ends processing after a failed save. When the save failed because
// the verification was deleted meanwhile, files the step wrote after the
// deletion (a liveness sprite and frame) are removed, so that nothing of a
// deleted verification stays on disk.
func (s *Service) abort(ctx context.Context, log *slog.Logger, v *verification, err error) {
	if ctx.Err() == nil && s.deleted(ctx, v.MerchantID, v.ID) {
		if err := s.media.DeletePrefix(ctx, v.ID+"/"); err != nil {
			log.Error("deleting a deleted verification's media failed", "error", err.Error())
		}
		log.Info("processing stopped: the verification was deleted")
		return
	}
	logAbort(log, ctx, err)
}

// start marks a pending verification as running, which closes its inputs.
func (s *Service) start(ctx context.Context, v *verification) error {
	if v.Status != StatusPending {
		return nil
	}
	v.Status = StatusRunning
	return s.save(ctx, v, nil)
}

// finishStep saves step i's result with its step_completed event.
func (s *Service) finishStep(ctx context.Context, v *verification, i int, result stepState) error {
	v.state.Steps[i] = result
	events, err := s.events(ctx, v, eventSpec{name: EventStepCompleted, step: &v.state.Steps[i]})
	if err != nil {
		return err
	}
	return s.save(ctx, v, events)
}

// complete decides the status, ends the job and saves it with
// verification_completed. A verification that was not rejected and holds
// a face capture becomes a reference for later re-verifications.
func (s *Service) complete(ctx context.Context, v *verification) error {
	v.Status = decide(v.state.Steps)
	v.Biometric = v.Status != StatusRejected && len(v.state.Captures) > 0
	v.JobDueAt = time.Time{}
	v.state.CompletedAt = s.now()
	events, err := s.events(ctx, v, eventSpec{name: EventVerificationCompleted})
	if err != nil {
		return err
	}
	if err := s.save(ctx, v, events); err != nil {
		return err
	}
	s.observe(ctx, v)
	return nil
}

// runStep runs one step by id.
func (s *Service) runStep(ctx context.Context, v *verification, id string) stepState {
	switch id {
	case StepSelfie:
		return s.runSelfie(ctx, v)
	case StepLiveness:
		return s.runLiveness(ctx, v)
	case StepFacematch:
		return s.runFacematch(ctx, v)
	case StepReFacematch:
		return s.runReFacematch(ctx, v)
	default:
		return errorStep(id, errInternal)
	}
}

// errorStep is a finished step with an error and no data.
func errorStep(id string, e StepError) stepState {
	return stepState{ID: id, Status: stepDone, Error: &e}
}

func errorCode(e *StepError) string {
	if e == nil {
		return ""
	}
	return e.Code
}

// logAbort records why processing stopped; a deleted verification or a
// shutdown is expected.
func logAbort(log *slog.Logger, ctx context.Context, err error) {
	switch {
	case ctx.Err() != nil:
	case errors.Is(err, store.ErrNotFound):
		log.Info("verification deleted while processing")
	default:
		log.Warn("processing stopped; it resumes when the lease ends", "error", err.Error())
	}
}
