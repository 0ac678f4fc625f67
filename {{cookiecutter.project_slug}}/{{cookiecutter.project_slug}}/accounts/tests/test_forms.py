"""The registration form accepts an address and a good password typed twice, nothing else;
it never says whether the address has an account."""

import pytest

from ..forms import RegistrationForm
from ..models import User

PASSWORD = "correct horse battery staple"


def form(email="ada@example.com", password1=PASSWORD, password2=PASSWORD) -> RegistrationForm:
    return RegistrationForm({"email": email, "password1": password1, "password2": password2})


@pytest.mark.django_db
def test_a_new_address_and_matching_passwords_create_a_user_with_that_password():
    user = form().save()
    assert user.email == "ada@example.com"
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"email": "a" * 300 + "@example.com"}, "email", "max_length"),
        ({"password2": "something else entirely"}, "password2", "password_mismatch"),
        ({"password1": "123", "password2": "123"}, "password2", "password_too_short"),
    ],
    ids=["invalid-email", "oversized-email", "mismatch", "weak-password"],
)
def test_bad_input_is_a_form_error(data, field, code):
    User.objects.create_user("ada@example.com", PASSWORD)
    bound = form(**data)
    assert not bound.is_valid()
    assert bound.has_error(field, code)


@pytest.mark.django_db
@pytest.mark.parametrize("taken", ["ada@example.com", "ADA@example.com"])
def test_a_taken_address_is_no_form_error_whatever_its_case(taken):
    """The form would tell anyone which addresses have an account: the view deals with it."""
    User.objects.create_user("ada@example.com", PASSWORD)
    assert form(email=taken).is_valid()
    assert not form(email=taken, password2="something else entirely").has_error("email")
