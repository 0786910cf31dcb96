"""No read of one person's data scans another person's rows (issue 18, item 2).

At small scale PostgreSQL would rightly scan a whole tiny table, so the planner is told to
avoid sequential scans wherever it can: what still shows up as a ``Seq Scan`` has no index
to reach one person's rows, and at 100 million page views would read them all.
"""

import pytest
from django.db import connection

from activity.models import PageView
from privacy_office.registry import registry as default_registry
from privacy_office.subject_data import subject_rows
from privacy_office.subject_sql import sql_formattable, subject_values_sql
from tests.factories import UserFactory, person_with_data_in_every_category


def plan_of(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def subject_queries(user):
    """Each statement an access export and the "my data" page run for ``user``."""
    for declaration in default_registry.declarations():
        if not declaration.fields:
            continue
        rows = subject_rows(declaration, user)
        label = declaration.model._meta.label
        yield f"{label} count", *rows.values("pk").query.sql_with_params()
        yield f"{label} first page", *rows[:50].query.sql_with_params()
        if sql_formattable(declaration):
            yield f"{label} export", *subject_values_sql(declaration, user, declaration.fields)


@pytest.mark.django_db
def test_no_subject_query_reads_a_whole_table():
    person = person_with_data_in_every_category()
    UserFactory()  # someone else, whose rows must not be read
    plans = {what: plan_of(sql, params) for what, sql, params in subject_queries(person)}
    assert len(plans) > 30  # every declared model, counted, paged and exported
    scanned = {what: plan for what, plan in plans.items() if "Seq Scan" in plan}
    assert not scanned, "\n\n".join(f"{what}:\n{plan}" for what, plan in scanned.items())


@pytest.mark.django_db
def test_page_views_of_one_person_are_read_by_their_index_in_every_partition():
    person = person_with_data_in_every_category()
    declaration = default_registry.declaration_of(PageView)
    sql, params = subject_values_sql(declaration, person, declaration.fields)
    plan = plan_of(sql, params)
    assert "activity_pageview_p" in plan  # the monthly partitions are read…
    assert "Seq Scan" not in plan
    assert "user_id" in plan  # …through the person's own index
