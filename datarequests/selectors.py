"""Questions about requests."""

from django.db.models import QuerySet

from datarequests.models import DataRequest


def requests_of(*, user) -> QuerySet[DataRequest]:
    return (
        DataRequest.objects.filter(requester=user)
        .select_related("jurisdiction", "fee_quote")
        .order_by("-received_at")
    )


def request_of(*, user, request_id) -> DataRequest | None:
    """Return the user's own request, or None (the same answer whether absent or another's)."""
    return (
        requests_of(user=user)
        .prefetch_related("events", "corrections")
        .select_related("export")
        .filter(pk=request_id)
        .first()
    )
