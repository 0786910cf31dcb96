"""Staff roles (policy G: only staff who need personal data for their work can see it).

Each role is a group with exactly these permissions; installing keeps the groups in step
with this list (run by a migration and after every migrate).
"""

from django.utils.translation import gettext_noop

PRIVACY_OFFICER = gettext_noop("Privacy officer")
REQUEST_HANDLER = gettext_noop("Request handler")
CUSTOMER_SERVICE = gettext_noop("Customer service")
AUDITOR = gettext_noop("Auditor")

PERSON_VIEWS = [
    "accounts.view_user",
    "accounts.view_address",
    "accounts.view_bankaccount",
    "accounts.view_paymentcard",
    "accounts.view_membership",
    "accounts.view_marketingpreference",
    "activity.view_order",
    "activity.view_shipment",
    "activity.view_tradedispute",
    "activity.view_forumpost",
    "activity.view_companyprofile",
    "activity.view_lead",
]

# The regulator's records (records app): the HK log book of refusals and the audit trail's
# checks, read-only.
REGULATOR_VIEWS = [
    "records.view_logbookentry",
    "records.view_logbookannotation",
    "records.view_trailcheck",
]

# "*" = every permission of the product; otherwise "app_label.codename".
ROLES: dict[str, list[str]] = {
    PRIVACY_OFFICER: ["*"],
    REQUEST_HANDLER: [
        *PERSON_VIEWS,
        "datarequests.view_datarequest",
        "datarequests.add_datarequest",
        "datarequests.change_datarequest",
        "datarequests.view_scans_datarequest",
        # The desk (issue 15): a request's page shows its history and corrections to them.
        "datarequests.view_requestevent",
        "datarequests.view_correctionitem",
        "datarequests.view_jurisdiction",
        "datarequests.view_calendaroverride",
        "datarequests.view_feeschedule",
        "audit.view_reports",
        *REGULATOR_VIEWS,
    ],
    CUSTOMER_SERVICE: PERSON_VIEWS,
    AUDITOR: ["audit.view_auditevent", "audit.view_reports", *REGULATOR_VIEWS],
}


def roles_install() -> None:
    """Create the role groups and give each exactly its permissions."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Permissions are normally created app by app after migrating; the roles need them all.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    every = Permission.objects.select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in every}
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        if names == ["*"]:
            group.permissions.set(by_name.values())
        else:
            missing = [name for name in names if name not in by_name]
            if missing:
                raise LookupError(f"Role {role} names unknown permissions: {missing}")
            group.permissions.set(by_name[name] for name in names)
