package webhook_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/webhook"
)

func TestGuardCheckURL(t *testing.T) {
	strict := webhook.Guard{}
	lenient := webhook.Guard{AllowHTTP: true, AllowPrivateNetworks: true}
	tests := []struct {
		name    string
		guard   webhook.Guard
		url     string
		wantErr string
	}{
		{"public https", strict, "https://hooks.example.com/kyc?x=1", ""},
		{"public IP", strict, "https://93.184.216.34/hook", ""},
		{"http refused", strict, "http://hooks.example.com/", "only https"},
		{"http allowed", lenient, "http://hooks.example.com/", ""},
		{"other scheme", lenient, "ftp://hooks.example.com/", "absolute https URL"},
		{"relative", strict, "/hook", "absolute https URL"},
		{"no host", strict, "https:///hook", "no host"},
		{"credentials", strict, "https://user:pw@hooks.example.com/", "credentials"},
		{"port out of range", strict, "https://hooks.example.com:99999/", "port"},
		{"port zero", strict, "https://hooks.example.com:0/", "port"},
		{"highest port", strict, "https://hooks.example.com:65535/", ""},
		{"localhost", strict, "https://localhost/", "loopback"},
		{"localhost subdomain", strict, "https://api.localhost./", "loopback"},
		{"localhost allowed", lenient, "http://localhost:9000/", ""},
		{"loopback", strict, "https://127.0.0.1/", "loopback"},
		{"loopback v6", strict, "https://[::1]/", "loopback"},
		{"mapped loopback", strict, "https://[::ffff:127.0.0.1]/", "loopback"},
		{"private 10/8", strict, "https://10.1.2.3/", "private"},
		{"private 172.16/12", strict, "https://172.20.0.1/", "private"},
		{"private 192.168/16", strict, "https://192.168.1.1/", "private"},
		{"carrier-grade NAT", strict, "https://100.64.0.1/", "private"},
		{"unique local v6", strict, "https://[fd12::1]/", "private"},
		{"link-local", strict, "https://169.254.10.10/", "link-local"},
		{"private allowed", lenient, "http://10.1.2.3/", ""},
		{"metadata", lenient, "http://169.254.169.254/latest/meta-data/", "metadata"},
		{"metadata via NAT64", lenient, "http://[64:ff9b::a9fe:a9fe]/", "metadata"},
		{"metadata v6", lenient, "http://[fd00:ec2::254]/", "metadata"},
		{"unspecified", lenient, "http://0.0.0.0/", "reserved"},
		{"multicast", lenient, "http://224.0.0.1/", "reserved"},
		{"documentation range", lenient, "http://192.0.2.10/", "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.guard.CheckURL(tt.url)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, webhook.ErrForbiddenTarget)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestGuardCheckAddr(t *testing.T) {
	assert.NoError(t, webhook.Guard{}.CheckAddr(netip.MustParseAddr("2606:4700::1111")))
	assert.ErrorIs(t, webhook.Guard{}.CheckAddr(netip.MustParseAddr("fe80::1%eth0")), webhook.ErrForbiddenTarget)
	assert.ErrorIs(t, webhook.Guard{}.CheckAddr(netip.MustParseAddr("64:ff9b::7f00:1")), webhook.ErrForbiddenTarget,
		"loopback embedded in a NAT64 address")
}
