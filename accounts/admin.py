from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from knox.models import AuthToken

from accounts.forms import EDITABLE_FIELDS
from accounts.models import Address, BankAccount, MarketingPreference, Membership, PaymentCard, User
from accounts.two_factor import enrolment_link_issue
from audit.admin_mixins import AuditedAdminMixin
from privacy_office import clock
from privacy_office.fields import MASK, mask_number
from privacy_office.second_factor import is_staff_account

DJANGO_USER_FIELDS = {"username", "first_name", "last_name", "email"}


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Staff look; the user or the marketplace changes these, not the back-office."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "country", "date_joined", "is_staff"]
    list_filter = ["is_staff", "is_active", "country", "preferred_language"]
    search_fields = ["username", "email"]
    inlines = [MembershipInline]
    actions = ["issue_enrolment_link"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            _("Registration information (A.2)"),
            {
                "fields": [
                    *(name for name in EDITABLE_FIELDS if name not in DJANGO_USER_FIELDS),
                    "email_verified_at",
                ]
            },
        ),
    ]

    @admin.action(description=_("Issue a second-factor enrolment link"), permissions=["change"])
    def issue_enrolment_link(self, request, queryset):
        """Show each selected staff member's one-time link, once; it is stored hashed."""
        staff = [user for user in queryset if is_staff_account(user)]
        links = [
            (
                user,
                request.build_absolute_uri(
                    reverse(
                        "accounts:two-factor-enrol",
                        kwargs={
                            "token": enrolment_link_issue(
                                user=user, actor=request.user, now=clock.now()
                            )
                        },
                    )
                ),
            )
            for user in staff
        ]
        context = {
            **self.admin_site.each_context(request),
            "links": links,
            "skipped": len(queryset) - len(staff),
            "hours": settings.STAFF_ENROLMENT_LINK_HOURS,
        }
        return TemplateResponse(request, "admin/accounts/enrolment_link.html", context)


# knox's own admin lists digests and mints a token for anyone, shown once on screen.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class APITokenAdmin(ReadOnlyAdmin):
    """Who holds an API token and until when. The token is never shown (only its digest is
    stored) and none is made here; deleting one ends it."""

    list_display = ["user", "created", "expiry"]
    fields = ["user", "created", "expiry"]
    readonly_fields = fields
    list_select_related = ["user"]
    search_fields = ["user__username"]


# django-otp's admin makes recovery-code devices with codes typed in, and lists the stored
# codes on the page that adds one.
admin.site.unregister(StaticDevice)


@admin.register(StaticDevice)
class RecoveryCodesAdmin(ReadOnlyAdmin):
    """Whose recovery codes and how many are left. A code is shown once, to its holder, when it
    is made (accounts.two_factor); only its keyed digest is stored, and that is not shown here
    either. None is made here; deleting the device ends its codes."""

    list_display = ["user", "name", "confirmed", "codes_left", "last_used_at"]
    fields = list_display
    readonly_fields = fields
    list_select_related = ["user"]
    search_fields = ["user__username"]

    @admin.display(description=_("recovery codes left"))
    def codes_left(self, device: StaticDevice) -> int:
        return device.token_set.count()


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "bank_name", "masked_number", "created_at"]
    fields = ["user", "bank_name", "holder_name", "masked_number", "created_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    @admin.display(description=_("account number"))
    def masked_number(self, obj):
        return mask_number(obj.account_number)


@admin.register(PaymentCard)
class PaymentCardAdmin(ReadOnlyAdmin):
    list_display = ["user", "masked_number", "created_at"]
    fields = ["user", "holder_name", "masked_number", "masked_expiry", "created_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    @admin.display(description=_("card number"))
    def masked_number(self, obj):
        return mask_number(obj.card_number)

    @admin.display(description=_("expiry"))
    def masked_expiry(self, obj):
        return MASK


@admin.register(Address)
class AddressAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "city", "country"]
    list_select_related = ["user"]


@admin.register(MarketingPreference)
class MarketingPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "channel", "opted_in", "changed_at"]
    list_filter = ["channel", "opted_in"]
    list_select_related = ["user"]
