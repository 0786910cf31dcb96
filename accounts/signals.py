"""End API tokens whenever a user is saved with a new password or as staff, whatever the door
(the password page, the admin, ``set_password`` in a service or a shell)."""

from accounts.tokens import api_tokens_end
from privacy_office.second_factor import is_staff_account


def end_tokens_on_password_or_staff(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or created:
        return
    # ``set_password`` keeps the new password here until the save has finished.
    if getattr(instance, "_password", None) is not None or is_staff_account(instance):
        api_tokens_end(user=instance)
