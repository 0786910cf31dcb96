"""Questions about requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from datarequests.models import DataRequest

if TYPE_CHECKING:
    from accounts.models import User


def requests_of(*, user: User) -> QuerySet[DataRequest]:
    """The user's own requests and those they made as an authorized agent."""
    from django.db.models import Q

    return (
        DataRequest.objects.filter(Q(requester=user) | Q(agent=user))
        .select_related("jurisdiction", "fee_quote")
        .order_by("-received_at")
    )


def acting_as_agent(request: DataRequest, user) -> bool:
    """Whether the user reads this request as the agent who made it, not as its person: the
    agent sees where it stands, never the person's data (CCPA regs §7063)."""
    return request.agent_id == user.pk and request.requester_id != user.pk


def request_of(*, user, request_id) -> DataRequest | None:
    """Return the user's own request, or None (the same answer whether absent or another's)."""
    return (
        requests_of(user=user)
        .prefetch_related("events", "corrections")
        .select_related("export")
        .filter(pk=request_id)
        .first()
    )


DEADLINE_BUCKETS = [
    ("overdue", None, 0),
    ("0-3", 0, 4),
    ("4-7", 4, 8),
    ("8-14", 8, 15),
    ("15-30", 15, 31),
    ("31+", 31, None),
]


def dashboard_counts(*, now) -> dict:
    """Return counts by status, and open requests by days left to the deadline (two queries)."""
    from datetime import timedelta

    from django.db.models import Count, Q

    from datarequests.models import OPEN_STATUSES, Status

    by_status = dict(
        DataRequest.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    start_of_today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    aggregates = {}
    for name, low, high in DEADLINE_BUCKETS:
        condition = Q()
        if low is None:
            condition &= Q(due_at__lt=now)
        else:
            condition &= Q(due_at__gte=max(now, start_of_today + timedelta(days=low)))
        if high is not None:
            condition &= Q(due_at__lt=start_of_today + timedelta(days=high))
        aggregates[name] = Count("pk", filter=condition)
    aggregates["notice_overdue"] = Count("pk", filter=Q(notice_due_at__lt=now))
    aggregates["notice_due_soon"] = Count(
        "pk", filter=Q(notice_due_at__gte=now, notice_due_at__lt=start_of_today + timedelta(days=4))
    )
    by_deadline = DataRequest.objects.filter(status__in=OPEN_STATUSES).aggregate(**aggregates)
    return {
        "notices": {
            "overdue": by_deadline["notice_overdue"],
            "due_soon": by_deadline["notice_due_soon"],
        },
        "by_status": [
            (status, label, by_status.get(status, 0)) for status, label in Status.choices
        ],
        "by_deadline": [(name, by_deadline[name]) for name, _low, _high in DEADLINE_BUCKETS],
    }


def dashboard_charts(*, now) -> dict:
    """What the dashboard's charts show; the dashboard page and the staff home share it."""
    counts = dashboard_counts(now=now)
    largest = max([n for _name, n in counts["by_deadline"]] + [1])
    return {
        "by_status": counts["by_status"],
        "notices": counts["notices"],
        "by_deadline": [(name, n, round(100 * n / largest)) for name, n in counts["by_deadline"]],
    }


def request_subject(request: DataRequest):
    """Return whose data the request is about: the account, or the verified contact details."""
    from privacy_office.subject_data import ContactPerson

    if request.requester is not None:
        return request.requester
    return ContactPerson(email=request.requester_email, phone=request.requester_phone)


def account_named(name: str):
    """Return the account with this user name or email address, or None."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    name = (name or "").strip()
    if not name:
        return None
    return get_user_model().objects.filter(Q(username=name) | Q(email__iexact=name)).first()


def _same_person(request: DataRequest):
    """The requests of the person who made this one: their account, else their email."""
    from django.db.models import Q

    if request.requester_id is not None:
        return Q(requester_id=request.requester_id)
    if request.requester_email:
        return Q(requester__isnull=True, requester_email__iexact=request.requester_email)
    return None


def earlier_requests(request: DataRequest) -> QuerySet[DataRequest]:
    """Return the same person's requests of the same kind received before this one."""
    person = _same_person(request)
    if person is None:
        return DataRequest.objects.none()
    return (
        DataRequest.objects.filter(person, kind=request.kind, received_at__lte=request.received_at)
        .exclude(pk=request.pk)
        .select_related("jurisdiction")
        .order_by("-received_at", "-pk")
    )


def open_duplicate_of(request: DataRequest) -> DataRequest | None:
    """Return the same person's oldest other open request of the same kind, if any."""
    from datarequests.models import OPEN_STATUSES

    person = _same_person(request)
    if person is None:
        return None
    return (
        DataRequest.objects.filter(person, kind=request.kind, status__in=OPEN_STATUSES)
        .exclude(pk=request.pk)
        .order_by("received_at", "pk")
        .first()
    )


def payment_details_of(request: DataRequest) -> dict | None:
    """Return where and how the request's fee is paid, with its reference, or None."""
    from datarequests.models import PaymentDetails

    details = PaymentDetails.objects.filter(jurisdiction_id=request.jurisdiction_id).first()
    if details is None:
        return None
    return {
        "payee": details.payee,
        "bank_name": details.bank_name,
        "account_number": details.account_number,
        "bank_code": details.bank_code,
        "reference": details.reference_for(request),
        "instructions": details.instructions,
    }


def desk_counts(*, user, now) -> dict[str, int]:
    """Return the staff home's cards: the user's open requests, and the team's overdue,
    due within 7 days, waiting for the requester and replies to post (one query), and the
    letters to post with those already past their day to post (a second)."""
    from datetime import timedelta

    from django.db.models import Count, Q

    from datarequests.models import OPEN_STATUSES, Status

    counts = DataRequest.objects.filter(status__in=OPEN_STATUSES).aggregate(
        mine=Count("pk", filter=Q(assignee=user)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_this_week=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + timedelta(days=7))),
        waiting_for_requester=Count("pk", filter=Q(status=Status.AWAITING_REQUESTER)),
        to_dispatch=Count("pk", filter=Q(status=Status.AWAITING_DISPATCH)),
    )
    letters = letters_to_post().aggregate(
        letters_to_post=Count("pk"),
        letters_late=Count("pk", filter=Q(post_by__lt=now.date())),
    )
    return {**counts, **letters}


def letters_to_post(*, request_id: int | None = None):
    """Return the letters written and not yet posted, the most pressing first (by the day
    to post them by, then the oldest)."""
    from django.db.models import F

    from datarequests.models import MessageChannel, SentMessage

    letters = SentMessage.objects.filter(channel=MessageChannel.LETTER, posted_on__isnull=True)
    if request_id is not None:
        letters = letters.filter(request_id=request_id)
    return letters.select_related("request__jurisdiction", "request__requester").order_by(
        F("post_by").asc(nulls_last=True), "sent_at", "pk"
    )


def erasure_summary(request: DataRequest) -> dict | None:
    """For staff, on an erasure request: what the erasure will do (before approval), or what
    it did, and what is kept with its reason. None for other kinds."""
    from django.apps import apps

    from datarequests.erasure import erasure_plan, kept_items, kept_lines
    from datarequests.models import OPEN_STATUSES, Kind

    if request.kind != Kind.ERASURE or request.requester is None:
        return None
    tombstone = getattr(request, "tombstone", None)
    if tombstone is not None:
        return {"done": True, "planned": [], "kept": kept_lines(kept_items(tombstone.counts))}
    if request.status not in OPEN_STATUSES:
        return None
    plans = erasure_plan(request.requester, categories=request.erasure_categories or None)
    planned = [
        {
            "table": str(apps.get_model(plan.label)._meta.verbose_name_plural).capitalize(),
            "rows": plan.rows,
            "outcome": plan.outcome,
        }
        for plan in plans
    ]
    kept = kept_lines([item for plan in plans for item in plan.kept])
    return {"done": False, "planned": planned, "kept": kept}
