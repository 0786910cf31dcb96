"""Questions about recipient notices."""

from django.db.models import Count, Q

from disclosures.models import RecipientNotice


def notice_counts() -> dict[str, int]:
    """How many notices to recipients are overdue and how many failed (one query)."""
    return RecipientNotice.objects.aggregate(
        overdue_notices=Count("pk", filter=Q(state=RecipientNotice.State.OVERDUE)),
        failed_notices=Count("pk", filter=Q(state=RecipientNotice.State.FAILED)),
    )
