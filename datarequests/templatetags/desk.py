"""The staff home's cards and charts (issue 15), shown at the top of the admin's index."""

from django import template

from datarequests.selectors import dashboard_charts, desk_counts
from privacy_office import clock

register = template.Library()


@register.inclusion_tag("admin/datarequests/desk_home.html", takes_context=True)
def desk_home(context):
    user = context["request"].user
    if not user.has_perm("datarequests.view_datarequest"):
        return {"shown": False}
    now = clock.now()
    shown = {"shown": True, "cards": desk_counts(user=user, now=now)}
    if user.has_perm("audit.view_reports"):
        shown.update(dashboard_charts(now=now), charts=True)
    return shown
