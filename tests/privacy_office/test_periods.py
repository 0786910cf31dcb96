"""Retention periods in words, worked by hand: whole years of 365 or 366 days, whole months
of 30 or 31 days (two or more), else days."""

import pytest
from django.utils import translation

from privacy_office.periods import period_in_words, retention_in_words


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (2196, "6 years"),  # 6 × 366: the audit trail
        (2192, "6 years"),  # 6 × 365 + 2 leap days
        (1461, "4 years"),  # 4 × 365 + 1: the request log
        (730, "2 years"),
        (365, "1 year"),
        (366, "1 year"),
        (395, "13 months"),  # 13 × 30 = 390 ≤ 395 ≤ 403 = 13 × 31: browsing data
        (90, "3 months"),  # 3 × 30
        (60, "2 months"),
        (59, "59 days"),  # short of 2 × 30
        (100, "100 days"),  # neither 3 months (90-93) nor 4 (120-124)
        (30, "30 days"),  # one month is said in days
        (31, "31 days"),
        (14, "14 days"),
        (1, "1 day"),
    ],
)
def test_a_period_is_said_in_years_months_or_days(days, words):
    with translation.override("en"):
        assert period_in_words(days) == words


def test_no_period_means_until_the_account_is_closed():
    with translation.override("en"):
        assert retention_in_words(None) == "until you close your account"


def test_periods_are_said_in_chinese():
    with translation.override("zh-hans"):
        assert [period_in_words(days) for days in (2196, 90, 30)] == ["6 年", "3 个月", "30 天"]
        assert retention_in_words(None) == "直至您注销账户"
