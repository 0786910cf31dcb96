from django.contrib import admin

from activity.models import CompanyProfile, ForumPost, Lead, Order, Shipment, TradeDispute
from audit.admin_mixins import AuditedAdminMixin


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0


@admin.register(Order)
class OrderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "goods_type",
        "buyer",
        "seller",
        "price",
        "currency",
        "status",
        "ordered_at",
    ]
    list_filter = ["status", "currency"]
    list_select_related = ["buyer", "seller"]
    raw_id_fields = ["buyer", "seller"]
    inlines = [ShipmentInline]


@admin.register(TradeDispute)
class TradeDisputeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "order", "raised_by", "reason", "status", "opened_at"]
    list_filter = ["status"]
    raw_id_fields = ["order", "raised_by"]


@admin.register(ForumPost)
class ForumPostAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "author", "posted_at"]
    raw_id_fields = ["author"]


@admin.register(CompanyProfile)
class CompanyProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["company_name", "owner", "published_at"]
    raw_id_fields = ["owner"]


@admin.register(Lead)
class LeadAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "event_name", "event_date", "matched_user", "collected_at"]
    list_filter = ["event_name"]
    raw_id_fields = ["matched_user"]
