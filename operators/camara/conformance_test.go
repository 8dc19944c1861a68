package camara_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/operators"
	"github.com/kycgate/kycgate/operators/camara"
	"github.com/kycgate/kycgate/operators/camara/camaratest"
	"github.com/kycgate/kycgate/operators/operatorstest"
)

// TestCamaraAdapterConformance runs the suite against a camara adapter
// whose upstream is a second kycgate gateway on loopback serving the
// fixture through its own local operator, each side with its own issuer.
func TestCamaraAdapterConformance(t *testing.T) {
	operatorstest.RunAdapterTests(t, func(t *testing.T) operators.Adapter {
		upstream := camaratest.Start(t, camaratest.Options{Subscribers: operatorstest.Subscribers})
		a, err := camara.New("upstream", upstream.CamaraOptions("0.4"), operators.Deps{})
		require.NoError(t, err)
		return a
	})
}
