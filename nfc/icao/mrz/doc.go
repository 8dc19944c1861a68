// Package mrz parses ICAO 9303 machine readable zones (TD1 3×30, TD2 2×36,
// TD3 2×44), verifies every check digit including the composite one, and
// resolves long document numbers that overflow into the optional data.
//
// Errors never quote field contents: MRZ data is personal data.
package mrz
