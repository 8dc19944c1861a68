package kycmatch

import (
	"strings"

	"golang.org/x/text/language"
)

// assignedCountries holds the officially assigned ISO 3166-1 alpha-2 codes
// (249 codes), plus XK, the user-assigned code for Kosovo that the European
// Union and most identity systems use.
//
// The list is explicit because language.Region.IsCountry also accepts codes
// that ISO has reserved or withdrawn (UK, EU-style exceptional reservations
// such as EA and IC, deleted codes such as YU, SU, ZR), which are not
// countries a person can live in or hold the nationality of today.
var assignedCountries = func() map[string]struct{} {
	const codes = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
		BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
		CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
		DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
		GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
		HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
		KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
		MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
		NA NC NE NF NG NI NL NO NP NR NU NZ OM
		PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
		SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
		TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
		UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
		XK`
	set := make(map[string]struct{}, 250)
	for _, c := range strings.Fields(codes) {
		set[c] = struct{}{}
	}
	return set
}()

// isCountryCode reports whether s is an assigned ISO 3166-1 alpha-2 code,
// in any letter case. Three-letter and numeric codes are refused: the API
// asks for alpha-2.
func isCountryCode(s string) bool {
	if len(s) != 2 || !isASCIILetter(s[0]) || !isASCIILetter(s[1]) {
		return false
	}
	_, ok := assignedCountries[strings.ToUpper(s)]
	return ok
}

func isASCIILetter(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// canonicalCountry returns the upper-case alpha-2 form of a country code.
// Stored values written as alpha-3 ("ESP") or UN M.49 numeric ("724")
// codes are converted, and the common "UK" is read as GB, so that operator
// data need not be cleaned first.
func canonicalCountry(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "UK") {
		return "GB"
	}
	if r, err := language.ParseRegion(s); err == nil && r.IsCountry() {
		return r.String()
	}
	return strings.ToUpper(s)
}
