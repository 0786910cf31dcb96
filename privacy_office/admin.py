from django.contrib import admin

from privacy_office.admin_base import ProofAdmin
from privacy_office.models import Purpose, RetentionRun


@admin.register(Purpose)
class PurposeAdmin(ProofAdmin):
    """The policy's purposes, read-only: they change only with a new policy version."""

    list_display = ["code", "title", "wording"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ProofAdmin):
    """What each run of the retention purge removed, read-only: the proof that it ran."""

    list_display = ["ran_at", "total", "removed"]
    date_hierarchy = "ran_at"
