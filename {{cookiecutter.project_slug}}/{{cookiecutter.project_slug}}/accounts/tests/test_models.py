"""Users sign in with a unique email address."""

import pytest
from django.db import IntegrityError

from ..models import User


@pytest.mark.django_db
def test_the_database_refuses_a_second_account_for_the_same_address_in_another_case():
    User.objects.create_user("ada@example.com", "pw")
    with pytest.raises(IntegrityError):
        User.objects.create_user("Ada@example.com", "pw")


@pytest.mark.django_db
def test_a_superuser_can_use_the_admin():
    admin = User.objects.create_superuser("root@example.com", "pw")
    assert admin.is_staff and admin.is_superuser
