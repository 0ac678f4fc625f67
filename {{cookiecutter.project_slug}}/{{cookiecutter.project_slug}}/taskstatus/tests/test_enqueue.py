"""Tasks are enqueued once the transaction that created their data commits (and never if it
rolls back: tests/e2e/test_enqueue_on_commit.py)."""

import pytest
from django.db import transaction

from ...accounts.models import User
from ...hello.tasks import say_hello
from ..enqueue import enqueue_on_commit
from ..models import OwnedTask

pytestmark = pytest.mark.django_db(transaction=True)  # the transactions really commit


def test_the_task_is_enqueued_with_its_owner_once_the_outermost_block_commits(captured_tasks):
    with transaction.atomic():
        user = User.objects.create_user("ada@example.com", "pw")
        pending = enqueue_on_commit(say_hello, "Ada", owner=user, title="Hello")
        assert captured_tasks.results() == []
        with pytest.raises(RuntimeError, match="not committed yet"):
            _ = pending.result

    [result] = captured_tasks.results(say_hello)
    assert (pending.result.id, result.args) == (result.id, ["Ada"])
    assert pending.status_url == f"/tasks/{result.id}/"
    owned = OwnedTask.objects.get(task_id=result.id)
    assert (owned.owner, owned.title) == (user, "Hello")
