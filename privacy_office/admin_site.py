"""The staff admin site, with the read-only data map beside the models."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from privacy_office.recovery_codes import recovery_code_use
from privacy_office.registry import Category
from privacy_office.selectors import datamap_by_category, datamap_exempt, purposes_legend


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Password, then a one-time code from the staff member's authenticator or a recovery code.

    A staff member with no device yet signs in with the password alone and is sent to set
    one up; the admin stays closed until the session is verified by a code.
    """

    def _chosen_device(self, user):
        """Without a choice, the code's shape picks the device: six digits come from the
        authenticator app, anything else is a recovery code."""
        chosen = super()._chosen_device(user)
        if chosen is not None:
            return chosen
        token = (self.cleaned_data.get("otp_token") or "").strip()
        devices = devices_for_user(user, confirmed=True)
        wanted = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
        return next((device for device in devices if isinstance(device, wanted)), None)

    def _verify_token(self, user, token, device=None):
        if isinstance(device, StaticDevice):
            # Recovery codes are stored as keyed digests (privacy_office.recovery_codes), which
            # django-otp's own check would compare with the code itself.
            device.verify_token = lambda code: recovery_code_use(device=device, code=code)
        return super()._verify_token(user, token, device)

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and any(devices_for_user(user, confirmed=True)):
            self.clean_otp(user)
        return self.cleaned_data


class PrivacyOfficeAdminSite(OTPAdminSite):
    login_form = StaffLoginForm
    site_header = _("privacy-office")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request, extra_context=None):
        user = request.user
        needs_a_device = (
            user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not any(devices_for_user(user, confirmed=True))
        )
        if needs_a_device:
            return redirect("accounts:two-factor")
        return super().login(request, extra_context)

    site_title = _("privacy-office staff")
    index_title = _("Privacy back-office")

    def get_urls(self):
        return [
            path("datamap/", self.admin_view(self.datamap_view), name="datamap"),
            *super().get_urls(),
        ]

    # Pages that are not model lists, shown first in their app's section of the index,
    # to staff holding the permission (None: every staff member).
    extra_pages = [
        ("privacy_office", _("Privacy office"), _("Data map"), "admin:datamap", None),
        (
            "datarequests",
            _("Data requests"),
            _("Requests dashboard"),
            "admin:datarequests_dashboard",
            "audit.view_reports",
        ),
        (
            "cookies",
            _("Cookies"),
            _("Consent statistics"),
            "admin:cookies_statistics",
            "audit.view_reports",
        ),
        (
            "records",
            _("Records for the regulator"),
            _("Compliance"),
            "admin:records_compliance",
            "audit.view_reports",
        ),
        (
            "records",
            _("Records for the regulator"),
            _("CCPA request metrics"),
            "admin:records_ccpa",
            "audit.view_reports",
        ),
        (
            "records",
            _("Records for the regulator"),
            _("Evidence pack of a request"),
            "admin:records_evidence",
            "datarequests.view_scans_datarequest",
        ),
        (
            "records",
            _("Records for the regulator"),
            _("Record of processing activities (GDPR Art. 30)"),
            "admin:records_art30",
            "audit.view_reports",
        ),
    ]

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for label, section_name, name, url_name, permission in self.extra_pages:
            if app_label not in (None, label):
                continue
            if permission and not request.user.has_perm(permission):
                continue
            url = reverse(url_name, current_app=self.name)
            section = next((app for app in app_list if app["app_label"] == label), None)
            if section is None:
                section = {
                    "name": section_name,
                    "app_label": label,
                    "app_url": url,
                    "has_module_perms": True,
                    "models": [],
                }
                app_list.append(section)
            section["models"].insert(
                0,
                {
                    "name": name,
                    "object_name": url_name.rsplit(":", 1)[-1],
                    "admin_url": url,
                    "add_url": None,
                    "view_only": True,
                    "perms": {"view": True},
                },
            )
        return app_list if app_label else self.app_list_by_task(app_list)

    # --- the staff desk (issue 15): the index in the order of the work -------------------
    # Requests, people, consent, disclosures, policies, audit; then the rest; the libraries'
    # technical apps last, in one "System" section.
    task_order = [
        "datarequests",
        "accounts",
        "activity",
        "cookies",
        "disclosures",
        "policies",
        "audit",
        "privacy_office",
        "auth",
    ]
    system_apps = ["axes", "otp_static", "otp_totp", "knox", "django_celery_beat"]

    def app_list_by_task(self, app_list: list[dict]) -> list[dict]:
        def rank(app: dict) -> int:
            label = app["app_label"]
            order = self.task_order
            return order.index(label) if label in order else len(order)

        work = sorted((a for a in app_list if a["app_label"] not in self.system_apps), key=rank)
        technical = [a for a in app_list if a["app_label"] in self.system_apps]
        if technical:
            work.append(
                {
                    "name": _("System"),
                    "app_label": "system",
                    "app_url": reverse("admin:index", current_app=self.name),
                    "has_module_perms": True,
                    "models": [
                        {**model, "name": f"{app['name']}: {model['name']}"}
                        for app in technical
                        for model in app["models"]
                    ],
                }
            )
        return work

    def datamap_view(self, request):
        selected = request.GET.get("category") or None
        if selected not in Category.values:
            selected = None
        groups = datamap_by_category(category=selected)
        context = {
            **self.each_context(request),
            "title": _("Data map"),
            "groups": groups,
            "field_count": sum(len(group.rows) for group in groups),
            "personal_count": sum(1 for g in groups for row in g.rows if row.personal),
            "categories": Category.choices,
            "selected": selected,
            "exempt": datamap_exempt(),
            "purposes": purposes_legend(),
        }
        return TemplateResponse(request, "admin/datamap.html", context)
