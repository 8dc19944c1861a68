package mrz

import "testing"

// FuzzParse feeds arbitrary text to the MRZ parser: no panic, and a
// successful parse must yield a document number and a known format.
func FuzzParse(f *testing.F) {
	f.Add("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10")
	f.Add("I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
	f.Add("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<D231458907UTO7408122F1204159<<<<<<<6")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := Parse(text)
		if err != nil {
			return
		}
		if m.Format < TD1 || m.Format > TD3 || len(m.Lines) == 0 {
			t.Fatalf("parsed MRZ without a format")
		}
		_, _ = m.ExpiryDate()
	})
}
