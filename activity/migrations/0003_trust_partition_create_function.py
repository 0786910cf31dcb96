"""A function that creates one month's page-view partition with its owner's rights.

The application's database role may not create tables (README, Security); the
ingest and the monthly maintenance still need next month's partition, so they
call this function, which can create nothing else.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION activity_pageview_partition_create(p_month date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_first date := date_trunc('month', p_month)::date;
    v_name text := 'activity_pageview_p' || to_char(v_first, 'YYYY_MM');
BEGIN
    IF to_regclass(format('public.%I', v_name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format(
        'CREATE TABLE public.%I PARTITION OF public.activity_pageview FOR VALUES FROM (%L) TO (%L)',
        v_name,
        v_first::timestamp AT TIME ZONE 'UTC',
        (v_first + interval '1 month')::timestamp AT TIME ZONE 'UTC'
    );
    RETURN true;
END
$$;
"""
DROP = "DROP FUNCTION activity_pageview_partition_create(date);"


class Migration(migrations.Migration):
    dependencies = [("activity", "0002_pageview_partitioned_table")]

    operations = [migrations.RunSQL(CREATE, DROP)]
