// Package local is kycgate's reference operator: it answers KYC Match calls
// from subscriber records kept in kycgate's own store, so that the gateway
// can be run, demonstrated and tested without a real mobile operator.
//
// # Configuration
//
// The adapter type is "local". Its options, all optional, are
//
//	{"requireIdDocument": false, "unsupportedLineTypes": ["iot", "business"]}
//
// requireIdDocument makes idDocument mandatory in every request and checked
// before any other attribute. A subscriber whose line type is listed in
// unsupportedLineTypes is answered with 422 SERVICE_NOT_APPLICABLE; an empty
// list serves every line. Unknown option keys are refused.
//
// # Subscriber import file
//
// Subscribers are loaded from a UTF-8 JSON file holding one object with a
// "subscribers" array:
//
//	{
//	  "subscribers": [
//	    {
//	      "phoneNumber": "+34629255833",
//	      "lineType": "mobile",
//	      "idDocument": "66666666q",
//	      "givenName": "Federica",
//	      "birthdate": "1978-08-22",
//	      "country": "ES"
//	    }
//	  ]
//	}
//
// Every subscriber needs phoneNumber, in E.164 form with a leading '+'
// (^\+[1-9][0-9]{4,14}$, unique within the file), and lineType, one of
// "mobile", "iot" or "business". Every other key is an attribute and must be
// one of the CAMARA KYC Match request properties listed in
// kycmatch.Attributes, spelled exactly as in the request. All values are
// non-empty JSON strings. Attributes that are left out answer
// "not_available". Some attributes are checked further:
//
//   - birthdate and idDocumentExpiryDate are calendar dates, YYYY-MM-DD;
//   - country, countryOfBirth and nationality are ISO 3166-1 alpha-2 codes
//     (two letters);
//   - gender is MALE, FEMALE or OTHER;
//   - idDocumentType is passport, national_id_card, residence_permit,
//     diplomatic_id, driver_licence, social_security_id or other.
//
// ParseImport checks the whole file and reports every problem together,
// each with its line number and field. Because the file holds personal
// data, no message ever repeats a value from it. Import writes the records
// in one transaction, so a file with any problem writes nothing, and an
// imported phone number replaces its earlier record completely.
//
// DemoSubscribers holds a small file of fictional subscribers, which the
// gateway's demo mode imports.
package local
