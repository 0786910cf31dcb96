from django.contrib import admin

from audit.models import AuditEvent
from privacy_office.admin_base import ProofAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ProofAdmin):
    """The trail is read-only everywhere; PostgreSQL refuses changes to it as well."""

    list_display = ["seq", "at", "actor", "action", "target", "subject", "categories", "reference"]
    list_filter = ["action"]
    search_fields = ["=target", "=actor__username", "=subject__username", "=reference"]
    list_select_related = ["actor", "subject"]
    date_hierarchy = "at"
    show_full_result_count = False
