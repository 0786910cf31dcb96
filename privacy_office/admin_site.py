"""The staff admin site, with the read-only data map beside the models."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from privacy_office.registry import Category
from privacy_office.selectors import datamap_by_category, datamap_exempt, purposes_legend


class PrivacyOfficeAdminSite(admin.AdminSite):
    site_header = _("privacy-office")
    site_title = _("privacy-office staff")
    index_title = _("Privacy back-office")

    def get_urls(self):
        return [
            path("datamap/", self.admin_view(self.datamap_view), name="datamap"),
            *super().get_urls(),
        ]

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label not in (None, "privacy_office"):
            if app_label == "datarequests":
                self._add_dashboard(app_list)
            return app_list
        entry = {
            "name": _("Data map"),
            "object_name": "DataMap",
            "admin_url": reverse("admin:datamap", current_app=self.name),
            "add_url": None,
            "view_only": True,
            "perms": {"view": True},
        }
        section = next((app for app in app_list if app["app_label"] == "privacy_office"), None)
        if section is None:
            section = {
                "name": _("Privacy office"),
                "app_label": "privacy_office",
                "app_url": entry["admin_url"],
                "has_module_perms": True,
                "models": [],
            }
            app_list.insert(0, section)
        section["models"].insert(0, entry)
        self._add_dashboard(app_list)
        return app_list

    def _add_dashboard(self, app_list) -> None:
        requests_app = next((a for a in app_list if a["app_label"] == "datarequests"), None)
        if requests_app is None:
            return
        requests_app["models"].insert(
            0,
            {
                "name": _("Requests dashboard"),
                "object_name": "RequestsDashboard",
                "admin_url": reverse("admin:datarequests_dashboard", current_app=self.name),
                "add_url": None,
                "view_only": True,
                "perms": {"view": True},
            },
        )

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
