"""Production settings refuse to start without their secrets, and pass the deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "Zx9-Qw8_Er7!Ty6@Ui5#Op4$As3%Df2^Gh1&Jk0*Lz",
    "ALLOWED_HOSTS": "privacy.example.com",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "FIELD_BLIND_INDEX_KEY": "b" * 16 + "random-blind-index-secret",
    "DATABASE_URL": "postgres://privacy@db.internal:5432/privacy_office",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "AUDIT_CHAIN_KEYS": "c" * 16 + "random-audit-chain-secret",
    "AUDIT_CHECKPOINT_SIGNING_KEY": "Zm9yLXRlc3RzLW9ubHktYS1yYW5kb20tMzItYnl0ZXM=",
    "AUDIT_CHECKPOINT_PATH": "/var/lib/privacy-office-anchor/audit-checkpoints.jsonl",
    "EVIDENCE_SIGNING_KEY": "Zm9yLXRlc3RzLW9ubHktdGhlLWV2aWRlbmNlLWtleSE=",
    "SITE_URL": "https://privacy.example.com",
}


def manage(*args, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_passes_the_deploy_check_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set in production"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set in production"),
        ("FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_KEYS must be set in production"),
        ("FIELD_BLIND_INDEX_KEY", "FIELD_BLIND_INDEX_KEY must be set in production"),
        ("DATABASE_URL", "DATABASE_URL must be set in production"),
        ("AUDIT_CHECKPOINT_PATH", "AUDIT_CHECKPOINT_PATH must be set in production"),
        ("CELERY_BROKER_URL", "CELERY_BROKER_URL must be set in production"),
        ("EVIDENCE_SIGNING_KEY", "EVIDENCE_SIGNING_KEY must be set in production"),
        ("SITE_URL", "SITE_URL must be set in production"),
    ],
)
def test_production_refuses_to_start_without_each_secret(missing, message):
    result = manage("check", **{missing: None})

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SECRET_KEY", "django-insecure-local-development-only-key", "SECRET_KEY is too weak"),
        ("SECRET_KEY", "short", "SECRET_KEY is too weak"),
        ("FIELD_ENCRYPTION_KEYS", "not-a-fernet-key", "is not a Fernet key"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must point at PostgreSQL"),
        (
            "FIELD_ENCRYPTION_KEYS",
            "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXk=",
            "FIELD_ENCRYPTION_KEYS holds the development value",
        ),
        (
            "FIELD_ENCRYPTION_KEYS",
            "dGhpcyBpcyBvdXIgdmVyeSBvd24gc2VjcmV0IGtleSE=",  # "this is our very own secret key!"
            "made from typed text",
        ),
        (
            "FIELD_BLIND_INDEX_KEY",
            "local-development-only-blind-index-key",
            "FIELD_BLIND_INDEX_KEY holds the development value",
        ),
        ("FIELD_BLIND_INDEX_KEY", "a" * 40, "FIELD_BLIND_INDEX_KEY is too weak"),
        ("SECRET_KEY", "ab" * 30, "SECRET_KEY is too weak"),
        ("AUDIT_CHAIN_KEYS", "a" * 40, "AUDIT_CHAIN_KEYS is too weak"),
        (
            "EVIDENCE_SIGNING_KEY",
            "bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1ldmlkLWtleSE=",  # the local settings' key
            "EVIDENCE_SIGNING_KEY must be 32 random bytes in base64, not the development key",
        ),
        (
            "EVIDENCE_SIGNING_KEY",
            "Zm9yLXRlc3RzLW9ubHktYS1yYW5kb20tMzItYnl0ZXM=",  # the checkpoint key
            "EVIDENCE_SIGNING_KEY must differ from AUDIT_CHECKPOINT_SIGNING_KEY",
        ),
    ],
)
def test_production_refuses_weak_or_wrong_values(variable, value, message):
    result = manage("check", **{variable: value})

    assert result.returncode != 0
    assert message in result.stderr


SEVERAL_HOSTS_PROBE = (
    "from django.conf import settings; from django.core.files.storage import storages; "
    "exports = storages['exports']; "
    "print(type(exports).__name__, exports.bucket_name, exports.location, "
    "exports.endpoint_url, settings.DATABASE_ROUTERS, settings.DATABASES['replica']['HOST'], "
    "settings.MIDDLEWARE[-1])"
)


def test_production_on_several_hosts_reads_a_replica_and_keeps_exports_in_a_bucket():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SEVERAL_HOSTS_PROBE,
        DATABASE_REPLICA_URL="postgres://reader@standby.internal:5432/privacy_office",
        EXPORT_STORAGE_BUCKET="privacy-exports",
        EXPORT_STORAGE_ENDPOINT_URL="https://s3.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "privacy-exports",
        "exports",
        "https://s3.example.com",
        "['privacy_office.db_router.ReplicaRouter']",
        "standby.internal",
        "privacy_office.db_router.RecentWriteMiddleware",
    ]
    assert manage("check", "--deploy", "--fail-level", "WARNING").returncode == 0


def test_production_without_them_reads_the_primary_and_keeps_exports_in_the_folder():
    probe = (
        "from django.conf import settings; from django.core.files.storage import storages; "
        "print(type(storages['exports']).__name__, storages['exports'].location, "
        "settings.DATABASE_ROUTERS, sorted(settings.DATABASES))"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        probe,
        MEDIA_ROOT="/srv/media",
        DATABASE_REPLICA_URL=None,
        EXPORT_STORAGE_BUCKET=None,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["FileSystemStorage", "/srv/media/exports", "[]", "['default']"]


def test_production_with_an_sms_gateway_refuses_to_start_without_its_credentials():
    gateway = {"SMS_BACKEND": "sms.backends.twilio.SmsBackend", "TWILIO_ACCOUNT_SID": "AC123"}

    without_token = manage("check", **gateway, TWILIO_AUTH_TOKEN=None)
    with_both = manage("check", **gateway, TWILIO_AUTH_TOKEN="secret-token")

    assert without_token.returncode != 0
    assert "TWILIO_AUTH_TOKEN must be set in production" in without_token.stderr
    assert with_both.returncode == 0, with_both.stderr
