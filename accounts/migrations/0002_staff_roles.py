"""Create the staff roles as groups (accounts/roles.py)."""

from django.db import migrations


def install_roles(apps, schema_editor):
    from accounts.roles import roles_install

    roles_install()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0002_alter_auditevent_options"),
        ("datarequests", "0003_alter_datarequest_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(install_roles, migrations.RunPython.noop)]
