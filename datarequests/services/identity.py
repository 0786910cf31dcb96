"""Staff's check of who asks (and, for a guardian, of the guardianship)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from datarequests.models import DataRequest, Kind, Status
from datarequests.selectors import account_named
from datarequests.services.intake import FEE_ASSESS_TASK
from datarequests.services.transitions import _locked, _record
from privacy_office.queue import enqueue_on_commit

if TYPE_CHECKING:
    from accounts.models import User

NO_SUCH_MINOR = _(
    "No account has the user name or email address “%(name)s”. Enter the minor's account as "
    "you found it, or refuse the request."
)
NO_SUCH_PERSON = _(
    "No account has the user name or email address “%(name)s”. Name the account of the "
    "person the agent acts for, or refuse the request."
)
NO_GUARDIANSHIP_PROOF = _(
    "Attach the proof of guardianship (a PDF, JPEG or PNG) before verifying this request."
)


@transaction.atomic
def identity_verify(
    *,
    request_id: int,
    actor: User | None,
    method: str,
    now: datetime,
    guardianship_document=None,
    minor_name: str = "",
) -> DataRequest:
    """Record how staff checked the requester's identity; the fee is assessed next.

    For a guardian's request whose minor was not found by the name given, staff name the
    account here (``minor_name``: a user name or email address)."""
    if not method.strip():
        raise ValidationError({"method": _("Say how identity was checked.")})
    request = _locked(request_id, "verify")
    if request.kind == Kind.GUARDIAN_DELETION:
        if request.minor is None:
            name = (minor_name or request.minor_named).strip()
            request.minor = account_named(name)
            if request.minor is None:
                raise ValidationError({"minor": NO_SUCH_MINOR % {"name": name}})
        if guardianship_document is not None:
            request.guardianship_document = guardianship_document
        if not request.guardianship_document:
            raise ValidationError({"document": NO_GUARDIANSHIP_PROOF})
        request.full_clean(exclude=["minor", "requester", "jurisdiction"])
    if request.agent_id is not None and request.requester is None:
        name = (minor_name or request.requester_name).strip()
        request.requester = account_named(name)
        if request.requester is None:
            raise ValidationError({"minor": NO_SUCH_PERSON % {"name": name}})
        request.requester_email = request.requester_email or request.requester.email
    request.identity_method = method
    request.save(
        update_fields=[
            "identity_method",
            "guardianship_document",
            "minor",
            "requester",
            "requester_email",
        ]
    )
    _record(request, status=Status.ASSESSING_FEE, actor=actor, reason=method, now=now)
    enqueue_on_commit(FEE_ASSESS_TASK, request.pk)
    return request
