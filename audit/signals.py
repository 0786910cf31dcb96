"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent by verify_audit with the report and the time it was checked (the compliance page
# shows the last result).
trail_verified = Signal()
