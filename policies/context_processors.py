from policies.selectors import needs_acknowledgement


def policy_notice(request) -> dict:
    """Signed-in users see a notice of a new policy until they acknowledge it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/admin/"):
        return {}
    return {"policy_to_acknowledge": needs_acknowledgement(user=user)}
