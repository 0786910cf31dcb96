from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records for the regulator")

    def ready(self) -> None:
        from records.receivers import receivers_connect

        receivers_connect()
