"""Replace every recovery code stored in clear by its keyed digest (privacy_office.recovery_codes).

Not reversible: a digest cannot give the code back; going back leaves the codes unusable,
and staff make new ones.
"""

from django.db import migrations


def hash_codes(apps, schema_editor):
    from privacy_office.recovery_codes import recovery_code_digest

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        token.token = recovery_code_digest(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_staff_enrolment_links"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
