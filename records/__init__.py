"""Records for the regulator: the Hong Kong log book of refusals (PDPO s.27) and the signed
evidence pack of one request."""
