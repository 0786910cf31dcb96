"""Number the trail and re-sign it with the HMAC key (the chain was plain SHA-256).

The unkeyed chain is verified first: a broken one is not re-signed, because
signing it would make its tampering look intact.
"""

from django.db import migrations, models


def resign(apps, schema_editor):
    import pgtrigger

    from audit.keys import chain_signing_key
    from audit.chain import GENESIS, event_hash, event_hash_unkeyed

    AuditEvent = apps.get_model("audit", "AuditEvent")
    key_id, key = chain_signing_key()
    previous_unkeyed = previous = GENESIS
    with pgtrigger.ignore("audit.AuditEvent:audit_events_append_only"):
        for seq, event in enumerate(AuditEvent.objects.order_by("pk").iterator(), start=1):
            event.seq = None
            if (
                event.previous_hash != previous_unkeyed
                or event_hash_unkeyed(event, previous_unkeyed) != event.hash
            ):
                raise RuntimeError(
                    f"The audit trail is broken at event {event.pk}: it is not re-signed. "
                    "Investigate with the previous release's verify_audit first."
                )
            previous_unkeyed = event.hash
            event.seq, event.key_id, event.previous_hash = seq, key_id, previous
            event.hash = event_hash(event, previous, key)
            AuditEvent.objects.filter(pk=event.pk).update(
                seq=event.seq, key_id=key_id, previous_hash=previous, hash=event.hash
            )
            previous = event.hash


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_alter_auditevent_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="number in the trail"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", max_length=16, verbose_name="signed with key"),
            preserve_default=False,
        ),
        migrations.RunPython(resign, migrations.RunPython.noop),
    ]
