// Package fuzzy compares personal names and similar free text the way a
// human reviewer would: it folds away the differences that carry no meaning
// (case, accents, punctuation, spacing, character width) and scores the
// remaining differences with the Jaro-Winkler similarity.
//
// The package has no knowledge of KYC Match; it is meant to be reused
// wherever names are compared, for example when screening against
// watch-lists.
package fuzzy
