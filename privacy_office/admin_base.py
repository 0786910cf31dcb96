"""Admin bases for records that staff may read but never add, change or delete."""

from django.contrib import admin


class ProofAdmin(admin.ModelAdmin):
    """Records kept as proof (consent, audit, the policy's purposes): read-only everywhere."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryInline(admin.TabularInline):
    """A request's history rows shown under it, as they were written."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False
