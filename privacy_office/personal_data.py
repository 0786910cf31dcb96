"""Declarations for the models of Django and the libraries this project installs."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django_celery_beat.models import PeriodicTask
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from privacy_office.registry import Category, Erasure, Identifiers, declare, personal

declare(
    Permission,
    subject=None,
    exempt={
        "name": "the name of a permission, not of a person",
        "codename": "the code of a permission, not of a person",
    },
)
declare(Group, subject=None, exempt={"name": "the name of a staff role, not of a person"})
declare(PeriodicTask, subject=None, exempt={"name": "the name of a scheduled job"})

declare(
    LogEntry,
    subject="user",
    category=Category.ACTIVITY,
    fields=[
        personal(
            "action_time",
            purposes=["B9"],
            erasure=Erasure.KEEP,
            keep_reason="record of what staff changed, kept for accountability (policy G)",
        ),
        personal(
            "object_repr",
            purposes=["B9"],
            erasure=Erasure.KEEP,
            keep_reason="record of what staff changed, kept for accountability (policy G)",
        ),
    ],
)

declare(
    AuthToken,
    subject="user",
    category=Category.REGISTRATION,
    fields=[
        personal("created", purposes=["B3"], erasure=Erasure.DELETE),
        personal("expiry", purposes=["B3"], erasure=Erasure.DELETE),
    ],
    exempt={
        "digest": "the hash of a secret credential: never shown or exported",
        "token_key": "the first characters of a secret credential, to look its hash up",
    },
)

# Sign-in records kept by django-axes for lockout (policy G): they hold IP
# addresses and browsers, so they are kept 90 days and then purged.
LOGIN_RECORD_DAYS = 90
for login_model in (AccessAttempt, AccessLog, AccessFailureLog):
    declare(
        login_model,
        subject=Identifiers(username="username"),
        category=Category.BROWSING,
        fields=[
            personal(
                name,
                purposes=["B1", "B9"],
                erasure=Erasure.DELETE,
                retention_days=LOGIN_RECORD_DAYS,
            )
            for name in ("username", "ip_address", "user_agent", "attempt_time")
        ],
        retained_from="attempt_time",
    )

# Second factors of staff sign-in: the secrets themselves are never shown or exported.
for device_model in (TOTPDevice, StaticDevice):
    declare(
        device_model,
        subject="user",
        category=Category.REGISTRATION,
        fields=[personal("confirmed", purposes=["B1"], erasure=Erasure.DELETE)],
        exempt={"name": "the name of a sign-in device, such as 'authenticator'"},
    )
