"""Questions about accounts."""

from django.db.models import QuerySet

from accounts.models import MarketingChannel, MarketingPreference, User


def marketing_audience(*, channel: str) -> QuerySet[User]:
    """Return the active users who accept marketing on this channel (B.7); no answer means no."""
    opted_in = MarketingPreference.objects.filter(channel=channel, opted_in=True).values("user_id")
    audience = User.objects.filter(is_active=True, pk__in=opted_in)
    if channel == MarketingChannel.EMAIL:
        audience = audience.exclude(email="")
    return audience.order_by("pk")


def marketing_choices(*, user: User) -> dict[str, bool]:
    """Return the user's choice per channel, False where none was made."""
    chosen = dict(user.marketing_preferences.values_list("channel", "opted_in"))
    return {channel: chosen.get(channel, False) for channel in MarketingChannel.values}
