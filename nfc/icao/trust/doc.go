// Package trust holds the CSCA trust anchors used for passive
// authentication: certificates loaded from verified CSCA master lists and
// from single certificate files, and the CRLs their CSCAs issued.
package trust
