package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kycgate/kycgate/kycmatch"
)

// Synthetic subscribers: made-up values built from an index, so the
// benchmark carries no personal data. Numbers are +34 600 1xx xxx.
var (
	givenNames  = []string{"Alba", "Bruno", "Carmen", "Dario", "Elena", "Fermin", "Gloria", "Hector"}
	familyNames = []string{"Abad Ruiz", "Bravo Soto", "Cano Vidal", "Diez Mora", "Esteban Gil", "Fuentes Rey"}
	streets     = []string{"Calle Mayor", "Avenida del Puerto", "Paseo de la Ribera", "Plaza Nueva"}
	cities      = []string{"Madrid", "Sevilla", "Valencia", "Bilbao", "Zaragoza"}
)

// syntheticSubscribers returns n subscriber records with every 0.4
// attribute set.
func syntheticSubscribers(n int) []kycmatch.Subscriber {
	subs := make([]kycmatch.Subscriber, n)
	for i := range subs {
		subs[i] = kycmatch.Subscriber{
			PhoneNumber: syntheticPhone(i),
			LineType:    kycmatch.LineMobile,
			Attributes:  syntheticAttributes(i),
		}
	}
	return subs
}

// syntheticPhone returns the i-th synthetic phone number.
func syntheticPhone(i int) string { return fmt.Sprintf("+34600%06d", 100000+i) }

// syntheticAttributes returns the record of the i-th subscriber.
func syntheticAttributes(i int) map[string]string {
	given := givenNames[i%len(givenNames)]
	family := familyNames[i%len(familyNames)]
	street := streets[i%len(streets)]
	city := cities[i%len(cities)]
	number := fmt.Sprint(1 + i%90)
	gender := "FEMALE"
	if i%2 == 1 {
		gender = "MALE"
	}
	return map[string]string{
		"idDocument":           fmt.Sprintf("%08dX", 10000000+i),
		"idDocumentType":       "national_id_card",
		"idDocumentExpiryDate": "2031-05-20",
		"name":                 given + " " + family,
		"givenName":            given,
		"familyName":           family,
		"nameKanaHankaku":      "ｱﾙﾊﾞ ｱﾊﾞﾄﾞ",
		"nameKanaZenkaku":      "アルバ アバド",
		"middleNames":          "Maria",
		"familyNameAtBirth":    strings.Fields(family)[0],
		"address":              street + " " + number,
		"streetName":           street,
		"streetNumber":         number,
		"postalCode":           fmt.Sprintf("28%03d", i%1000),
		"region":               city,
		"locality":             city,
		"country":              "ES",
		"houseNumberExtension": "B",
		"birthdate":            fmt.Sprintf("19%02d-%02d-%02d", 50+i%50, 1+i%12, 1+i%28),
		"email":                strings.ToLower(given) + fmt.Sprint(i) + "@example.com",
		"gender":               gender,
		"cityOfBirth":          city,
		"countryOfBirth":       "ES",
		"nationality":          "ES",
	}
}

// matchBodies returns one KYC Match 0.4 request body per subscriber,
// sending every attribute. Every third request changes the family name and
// the street a little, so that fuzzy scoring runs as it does in practice.
func matchBodies(subs []kycmatch.Subscriber) ([][]byte, error) {
	bodies := make([][]byte, len(subs))
	for i, s := range subs {
		body := make(map[string]string, len(s.Attributes)+1)
		for k, v := range s.Attributes {
			body[k] = v
		}
		body["phoneNumber"] = s.PhoneNumber
		if i%3 == 0 {
			body["familyName"] = strings.ToUpper(body["familyName"]) + "s"
			body["streetName"] = "C/ " + strings.TrimPrefix(body["streetName"], "Calle ")
		}
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		bodies[i] = raw
	}
	return bodies, nil
}
