from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyOfficeConfig(AppConfig):
    name = "privacy_office"
    verbose_name = _("Privacy office")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from privacy_office import checks  # noqa: F401  (registers the system checks)
        from privacy_office.schedules import defaults_install

        autodiscover_modules("personal_data")
        post_migrate.connect(defaults_install, sender=self)
