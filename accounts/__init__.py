"""Accounts: the marketplace's users and their registration (A.2) and account (A.3) information."""
