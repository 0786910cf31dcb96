"""DRF's plain tokens (stored in clear, never expiring) are gone: API tokens are
django-rest-knox's now. Every old token ends; integrations ask for a new one."""

from django.db import migrations


def forget_the_old_token_app(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Its permissions go with it (cascade).
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
        migrations.RunPython(forget_the_old_token_app, migrations.RunPython.noop),
    ]
