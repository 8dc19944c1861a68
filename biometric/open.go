package biometric

import (
	"fmt"
	"log/slog"
)

// Open builds the engine that cfg asks for. With engine "auto" it opens the
// onnx engine when the models and the runtime are present and falls back to
// the none engine otherwise; an explicit "onnx" fails instead of falling
// back. The choice (never any biometric data) is logged at Info level.
func Open(cfg Config, logger *slog.Logger) (Engine, error) {
	if logger == nil {
		logger = slog.Default()
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	switch cfg.Engine {
	case EngineNone:
		logger.Info("biometric engine selected", "engine", EngineNone, "reason", "configured")
		return NewNoneEngine("biometric engine disabled by configuration"), nil
	case EngineVector:
		return openVector(cfg, logger)
	case EngineONNX:
		return openONNX(cfg, logger)
	default: // auto
		engine, err := openONNX(cfg, logger)
		if err == nil {
			return engine, nil
		}
		logger.Warn("biometric engine selected", "engine", EngineNone,
			"reason", "onnx assets unavailable", "error", err.Error(), "models_dir", cfg.ModelsDir)
		return NewNoneEngine("face models not installed"), nil
	}
}

func openVector(cfg Config, logger *slog.Logger) (Engine, error) {
	cal, ok := calibrationFor(cfg.Calibration, cfg.Vector.ModelID)
	if !ok {
		return nil, fmt.Errorf("biometric: no calibration for vector model %q: set biometric.calibration", cfg.Vector.ModelID)
	}
	engine, err := NewVectorEngine(cfg.Vector, cal)
	if err != nil {
		return nil, err
	}
	logger.Info("biometric engine selected", "engine", EngineVector, "model_id", cfg.Vector.ModelID,
		"dimensions", cfg.Vector.Dimensions)
	return engine, nil
}

func openONNX(cfg Config, logger *slog.Logger) (Engine, error) {
	cal, ok := calibrationFor(cfg.Calibration, cfg.Embedder.ModelID)
	if !ok {
		return nil, fmt.Errorf("biometric: no calibration for model %q: set biometric.calibration", cfg.Embedder.ModelID)
	}
	engine, err := newONNXEngine(cfg, cal)
	if err != nil {
		return nil, err
	}
	video := "available"
	if engine.ffmpeg == "" {
		video = "unavailable (ffmpeg not found or disabled)"
	}
	logger.Info("biometric engine selected", "engine", EngineONNX, "model_id", cfg.Embedder.ModelID,
		"model_version", cfg.Embedder.ModelVersion, "models_dir", cfg.ModelsDir,
		"max_in_flight", cfg.MaxInFlight, "liveness_model", !cfg.Liveness.Disabled, "video", video)
	return engine, nil
}
