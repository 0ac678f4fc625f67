import pytest
from django.test import Client

from ...accounts.models import User


@pytest.fixture
def operator(db: None) -> Client:
    """A superuser in the admin: may see and steer everything."""
    user = User.objects.create_superuser("operator@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client
