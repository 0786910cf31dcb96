from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from policies.models import PolicyVersion
from policies.services import policy_notice_recipients_count, policy_version_publish
from privacy_office import clock


@admin.action(description=_("Publish (in force at once; every user is told)"))
def publish(modeladmin, request, queryset):
    if not request.user.has_perm("policies.publish_policyversion"):
        raise PermissionDenied
    # The desk (issue 15): publishing emails everyone and cannot be undone; a page says so.
    if request.POST.get("confirmed") != "1":
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Publish and email every user?"),
            "versions": list(queryset),
            "recipients": policy_notice_recipients_count(),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/policies/publish_confirm.html", context)
    for version in queryset:
        try:
            policy_version_publish(version_id=version.pk, now=clock.now())
        except ValidationError as error:
            messages.error(request, f"{version}: {' '.join(error.messages)}")
        else:
            messages.success(request, _("%(version)s is published.") % {"version": version})


@admin.register(PolicyVersion)
class PolicyVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["version", "title", "published_at", "notices_sent", "notices_unconfirmed"]
    fields = ["version", "title", "summary", "text", "published_at"]
    readonly_fields = ["published_at"]
    actions = [publish]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent=Count("notices", filter=Q(notices__sent_at__isnull=False)),
                unconfirmed=Count("notices", filter=Q(notices__sent_at__isnull=True)),
            )
        )

    @admin.display(description=_("notices sent"))
    def notices_sent(self, obj):
        return obj.sent

    @admin.display(description=_("claimed, not confirmed sent"))
    def notices_unconfirmed(self, obj):
        return obj.unconfirmed

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False  # a published version is what users were told: it never changes
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)
