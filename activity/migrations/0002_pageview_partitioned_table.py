"""Create the page-view table, partitioned by month (the model is unmanaged)."""

from datetime import UTC, datetime, timedelta

from django.db import migrations

CREATE = """
CREATE SEQUENCE activity_pageview_id_seq;
CREATE TABLE activity_pageview (
    id bigint NOT NULL DEFAULT nextval('activity_pageview_id_seq'),
    viewed_at timestamptz NOT NULL,
    visitor_id varchar(64) NOT NULL,
    session_id varchar(64) NOT NULL,
    user_id bigint NULL,
    ip_address inet NULL,
    browser varchar(100) NOT NULL DEFAULT '',
    operating_system varchar(100) NOT NULL DEFAULT '',
    path varchar(2000) NOT NULL,
    PRIMARY KEY (id, viewed_at)
) PARTITION BY RANGE (viewed_at);
ALTER SEQUENCE activity_pageview_id_seq OWNED BY activity_pageview.id;
CREATE INDEX activity_pageview_user_time ON activity_pageview (user_id, viewed_at)
    WHERE user_id IS NOT NULL;
CREATE INDEX activity_pageview_visitor_time ON activity_pageview (visitor_id, viewed_at);
"""
DROP = "DROP TABLE activity_pageview; "


def create_partitions(apps, schema_editor):
    from activity.partitions import partitions_ensure

    today = datetime.now(tz=UTC).date()
    partitions_ensure(
        first=today - timedelta(days=400), last=today + timedelta(days=93), direct=True
    )


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.RunPython(create_partitions, migrations.RunPython.noop),
    ]
