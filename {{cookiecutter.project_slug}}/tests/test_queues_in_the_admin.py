"""On RQ the staff see the queues with django-rq's own pages, linked from the admin's index,
and Prometheus reads django-rq's metrics at /metrics, with the token only."""

import re

import pytest
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.models import User


@pytest.fixture
def staff(db: None) -> User:
    return User.objects.create_superuser("root@example.com", "correct horse battery staple")


def test_staff_find_every_queue_from_the_admin_index(client, staff, settings):
    client.force_login(staff)
    index = client.get(reverse("admin:index")).content.decode()
    dashboard = reverse("admin:django_rq_dashboard_changelist")
    assert f'href="{dashboard}"' in index

    page = client.get(dashboard, follow=True)

    assert page.status_code == 200
    for queue in settings.TASKS["default"]["QUEUES"]:
        assert re.search(rf">\s*{queue}\s*<", page.content.decode()), queue


def test_metrics_answer_the_token_only(client, settings):
    settings.RQ_API_TOKEN = "a-long-metrics-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401

    metrics = client.get("/metrics", headers={"Authorization": "Bearer a-long-metrics-token"})

    assert metrics.status_code == 200
    assert 'rq_jobs{queue="emails",status="queued"}' in metrics.content.decode()
