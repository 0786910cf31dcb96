"""A logging filter that masks card and account numbers and email addresses in every record."""

import logging
import re

# A run of digits, possibly grouped by spaces or dashes; masked when it holds 12 or more
# digits (card and bank account numbers), left alone when shorter (order numbers, amounts)
# or when it is the fraction of a decimal number (Celery's "succeeded in 0.5871602180005s").
DIGIT_RUN = re.compile(r"(?<!\d)(?<!\d\.)\d(?:[ -]?\d){11,}")
EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def _mask_run(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return f"•••• {digits[-4:]}"


def mask_text(text: str) -> str:
    text = DIGIT_RUN.sub(_mask_run, text)
    return EMAIL.sub(r"\1•••@\2", text)


class PersonalDataMaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
