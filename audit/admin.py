from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail is read-only everywhere; PostgreSQL refuses changes to it as well."""

    list_display = ["at", "actor", "action", "target", "subject", "categories", "reference"]
    list_filter = ["action"]
    search_fields = ["=target", "=actor__username", "=subject__username", "=reference"]
    list_select_related = ["actor", "subject"]
    date_hierarchy = "at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
