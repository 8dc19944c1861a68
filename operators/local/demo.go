package local

import _ "embed"

// DemoSubscribers is an import file of fictional subscribers covering the
// cases the reference operator handles: a Spanish mobile line (the CAMARA
// example person), a Japanese one with Kana names, a German one with ß and
// umlauts, a Dutch one with a house number extension, an IoT line, a
// business line and a sparse record whose missing attributes answer
// "not_available". Pass it to Import through bytes.NewReader.
//
//go:embed testdata/demo-subscribers.json
var DemoSubscribers []byte
