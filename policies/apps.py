from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Privacy policy")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_install, sender=self)


def _install(using="default", **kwargs) -> None:
    from policies.models import PolicyVersion
    from policies.services import policies_install
    from privacy_office.installing import install_when_migrated

    install_when_migrated(PolicyVersion, policies_install, using)
