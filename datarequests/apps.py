from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataRequestsConfig(AppConfig):
    name = "datarequests"
    verbose_name = _("Data requests")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_install_jurisdictions, sender=self)


def _install_jurisdictions(using="default", **kwargs) -> None:
    from datarequests.models import Jurisdiction
    from datarequests.seed import jurisdictions_install
    from privacy_office.installing import install_when_migrated

    install_when_migrated(Jurisdiction, jurisdictions_install, using)
