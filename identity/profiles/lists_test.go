package profiles

import (
	"context"
	"encoding/json"
	"errors"
	mrand "math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseListAcceptsEveryForm(t *testing.T) {
	tests := []struct {
		name    string
		list    string
		data    string
		entries string
	}{
		{"JSON IP list, canonical and sorted", ListTor, `{"entries":["185.220.101.7","10.1.2.3/8","::ffff:1.2.3.0/120","2001:DB8::1"]}`,
			`["1.2.3.0/24","10.0.0.0/8","185.220.101.7/32","2001:db8::1/128"]`},
		{"text IP list with comments and blank lines", ListHosting, "# provider ranges\n\n198.18.0.0/15  # bench\n203.0.113.0/24\n198.18.0.0/15\n",
			`["198.18.0.0/15","203.0.113.0/24"]`},
		{"e-mail list", ListFraudEmails, "Fraud@Example.NET\n@Disposable.example\n", `["@disposable.example","fraud@example.net"]`},
		{"empty JSON list", ListVPN, `{"entries":[]}`, `[]`},
		{"watch list", ListWatchlist, `{"entries":[{"id":"B","name":" Ivan Sidorov ","aliases":["I. Sidorov",""]},{"id":"A","name":"Jane Doe"}]}`,
			`[{"id":"A","name":"Jane Doe"},{"id":"B","name":"Ivan Sidorov","aliases":["I. Sidorov"]}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseList(tc.list, []byte(tc.data))
			require.NoError(t, err)
			assert.JSONEq(t, tc.entries, string(got.Entries))
			var n []json.RawMessage
			require.NoError(t, json.Unmarshal(got.Entries, &n))
			assert.Equal(t, len(n), got.Count)
			assert.Len(t, got.Digest, 64)
		})
	}
	a, err := ParseList(ListTor, []byte("1.2.3.4\n5.6.7.8\n"))
	require.NoError(t, err)
	b, err := ParseList(ListTor, []byte(`{"entries":["5.6.7.8","1.2.3.4/32"]}`))
	require.NoError(t, err)
	assert.Equal(t, a.Digest, b.Digest, "the same entries in any form give the same list")
}

func TestParseListRefusesTheWholeFile(t *testing.T) {
	tests := []struct {
		name     string
		list     string
		data     string
		problems []string
	}{
		{"text line numbers", ListTor, "1.2.3.4\nnope-secret\n\n5.6.7.8/33\n", []string{"line 2", "line 4"}},
		{"empty text file", ListTor, "# nothing yet\n", []string{"no entries"}},
		{"JSON entry numbers", ListVPN, `{"entries":["1.1.1.1",{"x":1},"fe80::1%eth0"]}`, []string{"entry 2: not a string", "entry 3"}},
		{"not the JSON shape", ListVPN, `{"items":[]}`, []string{"not a JSON object"}},
		{"entries not an array", ListVPN, `{"entries":"1.1.1.1"}`, []string{"must be an array"}},
		{"bad e-mails", ListFraudEmails, "secret@\n@nodot\nok@example.com\nsecret user@example.com\n", []string{"line 1", "line 2", "line 4"}},
		{"watch list must be JSON", ListWatchlist, "Ivan Sidorov\n", []string{"must be JSON"}},
		{"bad watch entries", ListWatchlist, `{"entries":[{"id":"","name":"x"},{"id":"a","name":"..."},{"id":"b","name":"ok"},{"id":"b","name":"dup"},{"id":"c","name":"n","role":"x"}]}`,
			[]string{"entry 1", "entry 2", "entry 4", "entry 5"}},
		{"not UTF-8", ListTor, "1.2.3.4\n\xff\xfe\n", []string{"UTF-8"}},
		{"ranges flagging a large part of the Internet", ListFraudIPs, "1.2.3.4/0\n10.0.0.0/7\n::/0\n2001::/15\n10.0.0.0/8\n2001::/16\n",
			[]string{"line 1", "line 2", "line 3", "line 4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseList(tc.list, []byte(tc.data))
			var listErr *ListError
			require.True(t, errors.As(err, &listErr), "got %v", err)
			for _, want := range tc.problems {
				assert.Contains(t, err.Error(), want)
			}
			assert.NotContains(t, err.Error(), "secret", "problems never repeat the entries")
		})
	}
	_, err := ParseList("bananas", []byte(`{"entries":[]}`))
	assert.ErrorIs(t, err, ErrUnknownList)
}

func TestListErrorsAreCapped(t *testing.T) {
	var b strings.Builder
	for range 50 {
		b.WriteString("bad\n")
	}
	_, err := ParseList(ListTor, []byte(b.String()))
	var listErr *ListError
	require.ErrorAs(t, err, &listErr)
	assert.Len(t, listErr.Problems, maxListErrors)
	assert.Equal(t, 30, listErr.More)
	assert.Contains(t, err.Error(), "and 30 more problems")
}

func TestIPMatcherFindsTheMostSpecificRange(t *testing.T) {
	m, err := newIPMatcher([]string{"10.0.0.0/8", "10.1.0.0/16", "192.0.2.7/32", "2001:db8::/32", "64:ff9b::c633:6401/128"})
	require.NoError(t, err)
	tests := []struct {
		addr string
		want string
	}{
		{"10.1.2.3", "10.1.0.0/16"},
		{"10.2.0.1", "10.0.0.0/8"},
		{"192.0.2.7", "192.0.2.7/32"},
		{"::ffff:10.9.9.9", "10.0.0.0/8"},
		{"64:ff9b::192.0.2.7", "192.0.2.7/32"},
		{"::192.0.2.7", "192.0.2.7/32"},
		{"::1", ""},
		{"64:ff9b::198.51.100.1", "64:ff9b::c633:6401/128"},
		{"2001:db8:1::5", "2001:db8::/32"},
		{"192.0.2.8", ""},
		{"11.0.0.1", ""},
		{"2001:db9::1", ""},
	}
	for _, tc := range tests {
		p, ok := m.lookup(netip.MustParseAddr(tc.addr))
		if tc.want == "" {
			assert.False(t, ok, tc.addr)
			continue
		}
		require.True(t, ok, tc.addr)
		assert.Equal(t, tc.want, p.String(), tc.addr)
	}
	var none *ipMatcher
	_, ok := none.lookup(netip.MustParseAddr("10.0.0.1"))
	assert.False(t, ok, "no list imported")
}

func TestEmailMatcher(t *testing.T) {
	m := newEmailMatcher([]string{"bad@example.com", "@fraud.example"})
	tests := []struct {
		email, domain string
		ok            bool
	}{
		{"bad@example.com", "", true},
		{"good@example.com", "", false},
		{"x@fraud.example", "fraud.example", true},
		{"x@mail.fraud.example", "fraud.example", true},
		{"x@notfraud.example", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		domain, ok := m.lookup(tc.email)
		assert.Equal(t, tc.ok, ok, tc.email)
		assert.Equal(t, tc.domain, domain, tc.email)
	}

	// Internationalised domains are compared in one form whichever way
	// they are written, on the list and in the address.
	var entries []string
	for _, e := range []string{"@exämple.com", "@FRAUD.org"} {
		canon, err := canonicalEmailEntry(e)
		require.NoError(t, err, e)
		entries = append(entries, canon)
	}
	idn := newEmailMatcher(entries)
	for _, tc := range []struct{ email, domain string }{
		{"o@xn--exmple-cua.com", "xn--exmple-cua.com"},
		{"o@exämple.com", "xn--exmple-cua.com"},
		{"o@EXÄMPLE.com", "xn--exmple-cua.com"},
		{"x@ｆｒａｕｄ.org", "fraud.org"},
		{"x@sub.fraud.ORG", "fraud.org"},
	} {
		domain, ok := idn.lookup(tc.email)
		assert.True(t, ok, tc.email)
		assert.Equal(t, tc.domain, domain, tc.email)
	}
	stored := newEmailMatcher([]string{"@exämple.com"})
	_, ok := stored.lookup("o@xn--exmple-cua.com")
	assert.True(t, ok, "a list stored before domains were kept in ASCII form still matches")
}

func TestWatchMatcher(t *testing.T) {
	m := newWatchMatcher([]WatchEntry{
		{ID: "WL-1", Name: "Ivan Petrovich Sidorov", Aliases: []string{"Ivan Sidorov"}},
		{ID: "WL-2", Name: "José Müller-Lüdenscheidt"},
	})
	tests := []struct {
		name  string
		entry string
		ok    bool
	}{
		{"Ivan Petrovich Sidorov", "WL-1", true},
		{"SIDOROV, Ivan", "WL-1", true},
		{"Iwan Petrovich Sidorov", "WL-1", true},
		{"Jose Muller Ludenscheidt", "WL-2", true},
		{"jose muller-ludenscheid", "WL-2", true},
		{"Ivan", "", false},
		{"Maria Garcia", "", false},
		{"Ivana Smith", "", false},
		// Long words matched loosely against a name of short words
		// once added up to a whole match.
		{"Ivo Pe Si", "", false},
		{"Jo Se Mu Lu", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hit, ok := m.best(context.Background(), []string{tc.name}, 0.92)
			assert.Equal(t, tc.ok, ok, "similarity %.3f with %s", hit.similarity, hit.entryID)
			if tc.ok {
				assert.Equal(t, tc.entry, hit.entryID)
			}
		})
	}
	_, ok := m.best(context.Background(), nil, 0.5)
	assert.False(t, ok)
	hit, ok := m.best(context.Background(), []string{"Maria Garcia", "Ivan Sidorov"}, 0.92)
	assert.True(t, ok, "any of the names may match")
	assert.Equal(t, "WL-1", hit.entryID)

	ended, cancel := context.WithCancel(context.Background())
	cancel()
	_, ok = m.best(ended, []string{"Ivan Sidorov"}, 0.92)
	assert.False(t, ok, "an ended screening reports nothing")
}

func TestRuneCountsCommonIsTheSumOfMinimums(t *testing.T) {
	r := mrand.New(mrand.NewPCG(11, 12))
	alphabet := []rune("abcdefghijklmnopqrstuvwxyzäöüßçñ0123456789ивансидоровフェデリカ")
	random := func() string {
		out := make([]rune, r.IntN(300))
		for i := range out {
			out[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(out)
	}
	for range 500 {
		a, b := random(), random()
		ca, na := countRunes(a)
		cb, nb := countRunes(b)
		var ha, hb [32]int
		for _, x := range a {
			ha[uint32(x)%32] = min(127, ha[uint32(x)%32]+1)
		}
		for _, x := range b {
			hb[uint32(x)%32] = min(127, hb[uint32(x)%32]+1)
		}
		want := 0
		for i := range ha {
			want += min(ha[i], hb[i])
		}
		require.Equal(t, want, ca.common(&cb))
		assert.Equal(t, len([]rune(a)), na)
		assert.Equal(t, len([]rune(b)), nb)
	}
}

// TestUnrelatedNamesAreNotSimilar holds pairs that share no name and
// that a word-by-word comparison once scored as equal.
func TestUnrelatedNamesAreNotSimilar(t *testing.T) {
	for _, pair := range [][2]string{
		{"Jo Li Wu", "Joaquin Guzman"},
		{"Ana Li Wu", "Anastasia Livingstone"},
		{"Usama bin Ladin", "Laintaen Laibnaen"},
		{"Zoë Ångström-Łukasz", "Alsa Mael Anar"},
	} {
		a, b := nameKeyOf(pair[0]), nameKeyOf(pair[1])
		assert.Less(t, a.similarity(b), 0.92, "%s / %s", pair[0], pair[1])
		assert.Less(t, b.similarity(a), 0.92, "%s / %s", pair[1], pair[0])
	}
}

func TestSimilarityBoundNeverUnderestimates(t *testing.T) {
	names := []string{"Ivan Petrovich Sidorov", "Iwan Sidorow", "SIDOROV, Ivan", "Jane Roe", "Jean Rowe", "María José García",
		"Maria Jose Garcia", "Li Wei", "Wei Li", "フェデリカ", "O'Neil-Smith", "Anna", "Ann", "Federica Sanchez Arjona"}
	for _, a := range names {
		for _, b := range names {
			ka, kb := nameKeyOf(a), nameKeyOf(b)
			assert.GreaterOrEqual(t, ka.similarityBound(kb)+1e-12, ka.similarity(kb), "%s / %s", a, b)
		}
	}
}
