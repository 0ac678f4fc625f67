"""The registration form accepts a new address and a good password typed twice, nothing else."""

import pytest

from ..forms import RegistrationForm
from ..models import User

PASSWORD = "correct horse battery staple"


def form(email="ada@example.com", password1=PASSWORD, password2=PASSWORD) -> RegistrationForm:
    return RegistrationForm({"email": email, "password1": password1, "password2": password2})


@pytest.mark.django_db
def test_a_new_address_and_matching_passwords_are_valid():
    assert form().is_valid()


@pytest.mark.django_db
def test_saving_creates_a_user_with_that_password():
    user = form().save()
    assert user.email == "ada@example.com"
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_an_invalid_email_is_a_form_error():
    bound = form(email="not-an-email")
    assert not bound.is_valid()
    assert bound.errors["email"] == ["Enter a valid email address."]


@pytest.mark.django_db
def test_mismatched_passwords_are_a_form_error():
    bound = form(password2="something else entirely")
    assert not bound.is_valid()
    assert bound.has_error("password2", "password_mismatch")


@pytest.mark.django_db
def test_a_weak_password_is_a_form_error():
    bound = form(password1="123", password2="123")
    assert not bound.is_valid()
    assert "password2" in bound.errors


@pytest.mark.django_db
def test_an_address_already_registered_is_a_form_error_whatever_its_case():
    User.objects.create_user("ada@example.com", PASSWORD)
    bound = form(email="ADA@example.com")
    assert not bound.is_valid()
    assert bound.has_error("email", "duplicate_email")


@pytest.mark.django_db
def test_an_oversized_email_is_a_form_error():
    bound = form(email="a" * 300 + "@example.com")
    assert not bound.is_valid()
    assert "email" in bound.errors
