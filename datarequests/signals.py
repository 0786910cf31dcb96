"""Signals other apps listen to; sent inside the transaction of the step they announce."""

from django.dispatch import Signal

# Sent with request, ground, explanation, actor and now, before the refusal notice is sent,
# so a receiver's record (the HK log book) commits with the refusal or not at all.
request_refused = Signal()
