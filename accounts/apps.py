from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from accounts.signals import end_tokens_on_password_or_staff

        post_migrate.connect(_install_roles, sender=self)
        post_save.connect(
            end_tokens_on_password_or_staff,
            sender=self.get_model("User"),
            dispatch_uid="accounts.end_tokens",
        )


def _install_roles(using="default", **kwargs) -> None:
    from django.contrib.auth.models import Group

    from accounts.roles import roles_install
    from privacy_office.installing import install_when_migrated

    install_when_migrated(Group, roles_install, using)
