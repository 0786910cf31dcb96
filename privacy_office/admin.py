from django.contrib import admin

from privacy_office.models import Purpose


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    """The policy's purposes, read-only: they change only with a new policy version."""

    list_display = ["code", "title", "wording"]
    readonly_fields = ["code", "title", "wording"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
