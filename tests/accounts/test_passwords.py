from django.contrib.auth.hashers import check_password, make_password

from config.settings import base


def test_passwords_are_hashed_with_argon2_outside_tests(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS

    hashed = make_password("correct horse battery staple")

    assert hashed.startswith("argon2$argon2id$")
    assert check_password("correct horse battery staple", hashed)
    assert not check_password("wrong", hashed)
