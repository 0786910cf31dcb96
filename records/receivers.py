"""The one hook into data requests: a Hong Kong refusal writes its log book entry."""

from __future__ import annotations


def _on_refusal(sender, *, request, ground, explanation, actor, now, **kwargs) -> None:
    from records.services import logbook_refusal_record

    logbook_refusal_record(
        request=request, ground=ground, explanation=explanation, actor=actor, now=now
    )


def _on_trail_verified(sender, *, report, now, **kwargs) -> None:
    from records.services import trail_check_record

    trail_check_record(report=report, now=now)


def receivers_connect() -> None:
    from audit.signals import trail_verified
    from datarequests.signals import request_refused

    request_refused.connect(_on_refusal, dispatch_uid="records.logbook_refusal")
    trail_verified.connect(_on_trail_verified, dispatch_uid="records.trail_check")
