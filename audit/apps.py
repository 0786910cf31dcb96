from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from django.contrib import admin

        from audit import checks  # noqa: F401  (registers the key and admin checks)
        from audit.admin_mixins import admins_audit
        from audit.receivers import receivers_connect

        # The admin has discovered every app's admin.py by now (it is installed first).
        admins_audit(admin.site)
        receivers_connect()
