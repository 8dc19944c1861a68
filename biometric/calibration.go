package biometric

// FacepluginModelID names the fr_feature.onnx embedding model shipped in the
// npm package faceplugin-face-recognition-js.
const FacepluginModelID = "faceplugin-fr-feature"

// FacepluginModelVersion is the npm package version the model comes from.
const FacepluginModelVersion = "0.0.1"

// builtinCalibrations holds the calibrations measured in this repository.
// See the package documentation for the data and the command that
// reproduces them.
var builtinCalibrations = map[string]Calibration{
	FacepluginModelID: {
		ModelID:                 FacepluginModelID,
		Midpoint:                0.35,
		Slope:                   12,
		SelfieSelfieThreshold:   0.35,
		SelfieDocumentThreshold: 0.32,
	},
}

// BuiltinCalibration returns the calibration measured for modelID, if any.
func BuiltinCalibration(modelID string) (Calibration, bool) {
	c, ok := builtinCalibrations[modelID]
	return c, ok
}

// calibrationFor returns cfg's override or the built-in calibration.
func calibrationFor(override *Calibration, modelID string) (Calibration, bool) {
	if override != nil {
		return *override, override.ModelID == modelID
	}
	return BuiltinCalibration(modelID)
}
