"""Deletes within the four years refused by plain triggers, which, unlike pgtrigger's, no
session setting (``SET pgtrigger.ignore``) switches off; only the table's owner could."""

import pgtrigger.migrations
from django.db import migrations

from records.models import LOGBOOK_DAYS

KEEP = """
CREATE FUNCTION records_{name}_kept_four_years() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.{column} > NOW() - INTERVAL '{days} days' THEN
        RAISE EXCEPTION 'log book records are kept {days} days (PDPO s.27): % is too young',
            OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER records_{name}_kept_four_years BEFORE DELETE ON records_{name}
    FOR EACH ROW EXECUTE FUNCTION records_{name}_kept_four_years();
"""
DROP = """
DROP TRIGGER IF EXISTS records_{name}_kept_four_years ON records_{name};
DROP FUNCTION IF EXISTS records_{name}_kept_four_years();
"""
TABLES = [("logbookentry", "recorded_at"), ("logbookannotation", "entry_recorded_at")]


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_trail_checks"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="logbookannotation",
            name="logbook_annotations_kept_with_entry",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="logbookentry",
            name="logbook_entries_kept_four_years",
        ),
        *[
            migrations.RunSQL(
                KEEP.format(name=name, column=column, days=LOGBOOK_DAYS),
                DROP.format(name=name),
            )
            for name, column in TABLES
        ],
    ]
