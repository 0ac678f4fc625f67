"""Tasks are enqueued only when the transaction that created their data commits."""

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


def test_a_rolled_back_transaction_enqueues_nothing(captured_tasks):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        user = User.objects.create_user("ada@example.com", "pw")
        enqueue_on_commit(say_hello, "Ada", owner=user, title="Hello")
        1 / 0  # noqa: B018  anything that aborts the transaction

    assert captured_tasks.results() == []
    assert (User.objects.count(), OwnedTask.objects.count()) == (0, 0)
