"""Audit (policy G, C.2): a tamper-evident, append-only trail of changes and staff reads."""
