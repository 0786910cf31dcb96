from django.contrib import admin

from privacy_office.admin_base import ProofAdmin
from privacy_office.models import Purpose


@admin.register(Purpose)
class PurposeAdmin(ProofAdmin):
    """The policy's purposes, read-only: they change only with a new policy version."""

    list_display = ["code", "title", "wording"]
