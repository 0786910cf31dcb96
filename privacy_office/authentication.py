"""How the API knows its caller: an API token first, then the browser's session."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <token>`` with django-rest-knox's hashed, expiring tokens.

    A token is one factor: its user is never verified by a second one, so a staff account
    behind a token holds no staff permission (staff get no token in the first place).
    """

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        user.otp_device = None
        user.is_verified = _not_verified
        return user, auth_token


def _not_verified() -> bool:
    return False


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme, under the name it had with DRF's plain tokens."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
