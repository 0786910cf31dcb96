from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin
from disclosures.models import Disclosure, Recipient
from privacy_office.admin_base import ProofAdmin


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "jurisdiction", "confidentiality_agreed_on"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["organisation", "code"]


@admin.register(Disclosure)
class DisclosureAdmin(AuditedAdminMixin, ProofAdmin):
    list_display = ["disclosed_at", "recipient", "subject", "categories", "purpose"]
    list_filter = ["recipient", "purpose"]
    search_fields = ["=subject__username", "=reference"]
    list_select_related = ["recipient", "subject"]
    date_hierarchy = "disclosed_at"
