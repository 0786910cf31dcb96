from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CookiesConfig(AppConfig):
    name = "cookies"
    verbose_name = _("Cookies")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_migrate, post_save

        from cookies import receivers
        from cookies.models import CookieCategory, CookieDeclaration

        post_migrate.connect(receivers.install_cookies, sender=self)
        user_logged_in.connect(receivers.link_visitor_on_login)
        for model in (CookieDeclaration, CookieCategory):
            post_save.connect(receivers.declarations_changed, sender=model)
            post_delete.connect(receivers.declarations_changed, sender=model)
