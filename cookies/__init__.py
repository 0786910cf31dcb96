"""Cookies (policy E): categories, declarations, consent records and their enforcement."""
