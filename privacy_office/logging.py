"""A logging filter that masks card and account numbers and email addresses in every record."""

import logging
import re

# A run of digits, possibly grouped by spaces or dashes; masked when it holds 12 or more
# digits (card and bank account numbers), left alone when shorter (order numbers, amounts)
# or when it is the fraction of a decimal number (Celery's "succeeded in 0.5871602180005s").
DIGIT_RUN = re.compile(r"(?<!\d)(?<!\d\.)\d(?:[ -]?\d){11,}")
# A phone number in international form (+852 9123 4567, +85291234567): shorter than a card
# number, so masked on its own, keeping its last four digits.
PHONE = re.compile(r"(?<![\w+])\+\d(?:[ -]?\d){6,14}(?!\d)")
EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def _mask_run(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return f"•••• {digits[-4:]}"


def _mask_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return f"+•••• {digits[-4:]}"


def mask_text(text: str) -> str:
    text = PHONE.sub(_mask_phone, text)
    text = DIGIT_RUN.sub(_mask_run, text)
    return EMAIL.sub(r"\1•••@\2", text)


_TRACEBACKS = logging.Formatter()


class PersonalDataMaskingFilter(logging.Filter):
    """Mask the message, the traceback and the stack of every record before any handler
    formats it: an exception's text often quotes the value that failed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the clear traceback is never written.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
