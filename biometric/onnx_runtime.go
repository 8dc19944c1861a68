package biometric

import (
	"fmt"
	"os"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// ONNX Runtime keeps one environment per process. runtimeState records the
// library it was initialised with; it is never torn down, because sessions
// of several engines may share it.
var runtimeState struct {
	sync.Mutex
	library string
}

// ensureRuntime loads the ONNX Runtime shared library once per process. A
// later call with another library path fails, since a process cannot hold
// two runtimes.
func ensureRuntime(library string) error {
	runtimeState.Lock()
	defer runtimeState.Unlock()
	if runtimeState.library != "" {
		if runtimeState.library != library {
			return fmt.Errorf("%w: ONNX Runtime already loaded from another path", ErrEngineUnavailable)
		}
		return nil
	}
	if _, err := os.Stat(library); err != nil {
		return fmt.Errorf("%w: ONNX Runtime library not found (run scripts/install-face-models.sh)", ErrEngineUnavailable)
	}
	ort.SetSharedLibraryPath(library)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return fmt.Errorf("%w: load ONNX Runtime: %v", ErrEngineUnavailable, err)
	}
	runtimeState.library = library
	return nil
}

// onnxModel is one loaded model with a single float input and float
// outputs of fixed shapes. Its session is created once and shared by
// concurrent calls (ONNX Runtime sessions allow concurrent Run).
type onnxModel struct {
	session      *ort.DynamicAdvancedSession
	inputShape   ort.Shape
	outputNames  []string
	outputShapes []ort.Shape
}

// newSessionOptions returns options with intraThreads threads and no
// busy-wait spinning, which would steal CPU from concurrent requests.
func newSessionOptions(intraThreads int) (*ort.SessionOptions, error) {
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	steps := []func() error{
		func() error { return opts.SetIntraOpNumThreads(intraThreads) },
		func() error { return opts.SetInterOpNumThreads(1) },
		func() error { return opts.AddSessionConfigEntry("session.intra_op.allow_spinning", "0") },
		func() error { return opts.AddSessionConfigEntry("session.inter_op.allow_spinning", "0") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			_ = opts.Destroy()
			return nil, err
		}
	}
	return opts, nil
}

// loadModel opens the model at path, checks that it has one float input of
// shape wantInput and float outputs of fixed shapes, and creates its
// session.
func loadModel(path string, wantInput ort.Shape, opts *ort.SessionOptions) (*onnxModel, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: model file %s not found (run scripts/install-face-models.sh)", ErrEngineUnavailable, path)
	}
	inputs, outputs, err := ort.GetInputOutputInfo(path)
	if err != nil {
		return nil, fmt.Errorf("%w: read model %s: %v", ErrEngineUnavailable, path, err)
	}
	if len(inputs) != 1 || inputs[0].DataType != ort.TensorElementDataTypeFloat || !inputs[0].Dimensions.Equals(wantInput) {
		return nil, fmt.Errorf("%w: model %s does not take one float input of shape %v", ErrEngineUnavailable, path, wantInput)
	}
	m := &onnxModel{inputShape: wantInput}
	for _, o := range outputs {
		if o.DataType != ort.TensorElementDataTypeFloat || o.Dimensions.Validate() != nil {
			return nil, fmt.Errorf("%w: model %s output %s is not a fixed-shape float tensor", ErrEngineUnavailable, path, o.Name)
		}
		m.outputNames = append(m.outputNames, o.Name)
		m.outputShapes = append(m.outputShapes, o.Dimensions)
	}
	m.session, err = ort.NewDynamicAdvancedSession(path, []string{inputs[0].Name}, m.outputNames, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: create session for %s: %v", ErrEngineUnavailable, path, err)
	}
	return m, nil
}

// run infers on input (laid out as inputShape) and returns each output's
// data by name.
func (m *onnxModel) run(input []float32) (map[string][]float32, error) {
	in, err := ort.NewTensor(m.inputShape, input)
	if err != nil {
		return nil, fmt.Errorf("biometric: input tensor: %w", err)
	}
	defer func() { _ = in.Destroy() }()
	outs := make([]ort.Value, len(m.outputNames))
	tensors := make([]*ort.Tensor[float32], len(m.outputNames))
	for i, shape := range m.outputShapes {
		t, err := ort.NewEmptyTensor[float32](shape)
		if err != nil {
			destroyTensors(tensors)
			return nil, fmt.Errorf("biometric: output tensor: %w", err)
		}
		tensors[i], outs[i] = t, t
	}
	defer destroyTensors(tensors)
	if err := m.session.Run([]ort.Value{in}, outs); err != nil {
		return nil, fmt.Errorf("biometric: inference failed: %w", err)
	}
	result := make(map[string][]float32, len(tensors))
	for i, t := range tensors {
		result[m.outputNames[i]] = append([]float32(nil), t.GetData()...)
	}
	return result, nil
}

func destroyTensors(ts []*ort.Tensor[float32]) {
	for _, t := range ts {
		if t != nil {
			_ = t.Destroy()
		}
	}
}

// close destroys the session.
func (m *onnxModel) close() {
	if m != nil && m.session != nil {
		_ = m.session.Destroy()
		m.session = nil
	}
}
