"""The admin's task pages: filters, search by id or owner's email, traceback, every attempt."""

import pytest
from django.urls import reverse

from ...taskstatus.models import OwnedTask
from ...workers import taskdb
from ...workers.models import TaskAttempt
from .helpers import failed, ready

TASKS = reverse("admin:django_tasks_database_dbtaskresult_changelist")


def listed(page) -> set[str]:
    return {str(row.pk) for row in page.context["cl"].result_list}


@pytest.mark.django_db
def test_search_finds_a_task_by_id_or_by_its_owner_s_email(operator, ada, grace):
    adas, graces = ready("Ada"), ready("Grace")
    OwnedTask.objects.create(task_id=adas, owner=ada, title="Hello")
    OwnedTask.objects.create(task_id=graces, owner=grace, title="Hello")

    assert listed(operator.get(TASKS, {"q": "ada@example"})) == {adas}
    assert listed(operator.get(TASKS, {"q": graces})) == {graces}
    assert listed(operator.get(TASKS, {"q": "not-an-id"})) == set()
    filters = {"status__exact": "READY", "queue_name__exact": "default"}
    assert listed(operator.get(TASKS, filters)) == {adas, graces}


@pytest.mark.django_db
def test_a_failed_task_s_page_shows_its_traceback_and_every_attempt(operator):
    task_id = failed(RuntimeError("The mail server said no."))
    row = taskdb.TaskRow.objects.get(pk=task_id)
    TaskAttempt.record(row, RuntimeError("The mail server said no."))

    page = operator.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[task_id]))

    content = page.content.decode()
    assert page.status_code == 200
    assert "RuntimeError: The mail server said no." in content  # the traceback
    assert 'data-testid="attempts"' in content and "failed with builtins.RuntimeError" in content


@pytest.mark.django_db
def test_people_who_are_not_staff_get_the_login_page(client, ada):
    client.force_login(ada)
    response = client.get(TASKS)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
