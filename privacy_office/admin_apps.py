from django.contrib.admin.apps import AdminConfig


class PrivacyOfficeAdminConfig(AdminConfig):
    """The admin, served by the site that adds the data map."""

    default_site = "privacy_office.admin_site.PrivacyOfficeAdminSite"
