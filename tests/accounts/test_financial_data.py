"""Account information (A.3): encrypted at rest, masked on every page, in the API and in logs."""

import logging
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.urls import reverse

from accounts.models import BankAccount, PaymentCard
from accounts.services import bank_account_add, payment_card_add
from privacy_office.logging import mask_text
from tests.conftest import verified_login
from tests.factories import BankAccountFactory, PaymentCardFactory, UserFactory

pytestmark = pytest.mark.django_db

CARD = "4111111111111111"
ACCOUNT = "6222020200112233445"


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def digit_runs(number: str, length: int = 4) -> set[str]:
    return {number[i : i + length] for i in range(len(number) - length + 1)}


def test_card_number_and_expiry_are_encrypted_at_rest():
    card = PaymentCardFactory(card_number=CARD, expiry="09/29")

    stored_number = raw_column("accounts_paymentcard", "card_number", card.pk)
    stored_expiry = raw_column("accounts_paymentcard", "expiry", card.pk)

    assert not any(run in stored_number for run in digit_runs(CARD, 6))
    assert "09/29" not in stored_expiry
    assert PaymentCard.objects.get(pk=card.pk).card_number == CARD


def test_bank_account_number_is_encrypted_at_rest():
    account = BankAccountFactory(account_number=ACCOUNT)

    stored = raw_column("accounts_bankaccount", "account_number", account.pk)

    assert not any(run in stored for run in digit_runs(ACCOUNT, 6))
    assert BankAccount.objects.get(pk=account.pk).account_number == ACCOUNT


def test_data_encrypted_with_an_old_key_is_read_after_rotation(settings):
    card = PaymentCardFactory()
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]

    assert PaymentCard.objects.get(pk=card.pk).card_number == CARD


def test_a_removed_key_gives_a_clear_error(settings):
    card = PaymentCardFactory()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ImproperlyConfigured, match="was a key removed"):
        PaymentCard.objects.get(pk=card.pk)


def test_admin_list_and_page_show_only_the_last_four(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    card = PaymentCardFactory()
    account = BankAccountFactory(user=card.user)
    verified_login(client, staff)

    pages = [
        client.get(reverse("admin:accounts_paymentcard_changelist")),
        client.get(reverse("admin:accounts_paymentcard_change", args=[card.pk])),
        client.get(reverse("admin:accounts_bankaccount_changelist")),
        client.get(reverse("admin:accounts_bankaccount_change", args=[account.pk])),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert not any(run in html for run in digit_runs(CARD, 6) | digit_runs(ACCOUNT, 6))
    assert "•••• 1111" in pages[0].content.decode()
    assert "•••• 3445" in pages[3].content.decode()
    assert "09/29" not in pages[1].content.decode()


def test_my_data_api_and_page_show_only_the_last_four(client):
    card = PaymentCardFactory()
    BankAccountFactory(user=card.user)
    client.force_login(card.user)

    body = client.get(reverse("api-my-data")).content.decode()
    page = client.get(reverse("accounts:my-data")).content.decode()

    for output in (body, page):
        assert "•••• 1111" in output
        assert "•••• 3445" in output
        assert CARD not in output and ACCOUNT not in output and "09/29" not in output


def test_log_records_are_masked_by_the_configured_handlers():
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(type(f).__name__ == "PersonalDataMaskingFilter" for f in handler.filters)
    ]
    record = logging.LogRecord(
        "payments",
        logging.INFO,
        __file__,
        1,
        "charged card %s for %s",
        (CARD, "mei@example.com"),
        None,
    )

    assert handlers, "the console handler must carry the masking filter"
    for handler in handlers:
        assert handler.filter(record)
        line = handler.format(record)
        assert CARD not in line and "mei@example.com" not in line
        assert "•••• 1111" in line


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("card 4111 1111 1111 1111 ok", "card •••• 1111 ok"),
        ("acct 6222-0202-0011-2233-445", "acct •••• 3445"),
        ("order 12345 of 3 items", "order 12345 of 3 items"),
        ("mail mei.chen@example.com now", "mail m•••@example.com now"),
        ("Task export succeeded in 0.5871602180005s", "Task export succeeded in 0.5871602180005s"),
        ("card:4111111111111111.", "card:•••• 1111."),
        ("texted +85291234567 ok", "texted +•••• 4567 ok"),
        ("lead +86 571 8888 0000.", "lead +•••• 0000."),
        ("at 2026-11-25T02:00:00+08:00", "at 2026-11-25T02:00:00+08:00"),
    ],
)
def test_masking_of_numbers_and_emails_in_text(text, masked):
    assert mask_text(text) == masked


def test_a_card_is_checked_and_kept_once_per_account():
    user = UserFactory()
    payment_card_add(
        user=user, holder_name="MEI", card_number="4111 1111 1111 1111", expiry="09/29"
    )

    with pytest.raises(ValidationError, match="already on your account"):
        payment_card_add(user=user, holder_name="MEI", card_number=CARD, expiry="09/29")
    with pytest.raises(ValidationError, match="not a valid card number"):
        payment_card_add(
            user=user, holder_name="MEI", card_number="4111111111111112", expiry="09/29"
        )
    with pytest.raises(ValidationError, match="MM/YY"):
        payment_card_add(
            user=user, holder_name="MEI", card_number="5500005555555559", expiry="13/29"
        )


def test_a_bank_account_number_is_checked():
    with pytest.raises(ValidationError, match="not a valid account number"):
        bank_account_add(user=UserFactory(), bank_name="B", holder_name="M", account_number="12")


def test_tracebacks_and_stacks_in_log_records_are_masked_too():
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(type(f).__name__ == "PersonalDataMaskingFilter" for f in handler.filters)
    ]
    try:
        raise ValueError(f"card {CARD} of mei@example.com was declined")
    except ValueError:
        record = logging.LogRecord(
            "payments", logging.ERROR, __file__, 1, "charge failed", (), sys.exc_info()
        )
    record.stack_info = f'Stack (most recent call last):\n  File "x.py", card = "{CARD}"'

    assert handlers
    for handler in handlers:
        assert handler.filter(record)
        line = handler.format(record)
        assert "ValueError" in line and "•••• 1111" in line
        assert CARD not in line and "mei@example.com" not in line


def test_the_demos_console_mail_masks_addresses_and_numbers(capsys):
    from django.core.mail import EmailMessage

    from privacy_office.mail import MaskedConsoleEmailBackend

    message = EmailMessage(
        "Your request 7",
        f"We received your card {CARD}; write to mei.chen@example.com. 您的请求已收到。",
        "privacy@localhost",
        ["mei.chen@example.com"],
    )
    MaskedConsoleEmailBackend().send_messages([message])

    printed = capsys.readouterr().out
    assert "Your request 7" in printed and "您的请求已收到" in printed
    assert "mei.chen@example.com" not in printed and CARD not in printed
    assert "m•••@example.com" in printed and "•••• 1111" in printed


def test_the_development_servers_access_log_is_masked():
    handlers = logging.getLogger("django.server").handlers
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET /admin/?q=%s HTTP/1.1" 200',
        ("mei@x.cn",),
        None,
    )

    assert handlers and all(handler.filter(record) for handler in handlers)
    assert "mei@x.cn" not in "".join(handler.format(record) for handler in handlers)
