"""Tasks are enqueued only when the transaction that created their data commits."""

import pytest
from django.db import transaction

from ...accounts.models import User
from ...hello.tasks import say_hello
from ..enqueue import enqueue_on_commit
from ..models import OwnedTask


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user("ada@example.com", "pw")


def test_nothing_is_enqueued_before_the_commit(
    user, captured_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        pending = enqueue_on_commit(say_hello, "Ada", owner=user, title="Hello")
        assert captured_tasks.results() == []
        with pytest.raises(RuntimeError, match="not committed yet"):
            _ = pending.result

    [enqueue] = callbacks
    enqueue()  # what Django does when the transaction commits

    [result] = captured_tasks.results(say_hello)
    assert pending.result.id == result.id
    assert result.args == ["Ada"]
    owned = OwnedTask.objects.get(task_id=result.id)
    assert (owned.owner, owned.title) == (user, "Hello")


@pytest.mark.django_db(transaction=True)
def test_the_result_is_available_after_the_outermost_atomic_block(captured_tasks):
    with transaction.atomic():
        user = User.objects.create_user("ada@example.com", "pw")
        pending = enqueue_on_commit(say_hello, "Ada", owner=user, title="Hello")

    assert pending.result.status == "READY"
    assert pending.status_url == f"/tasks/{pending.result.id}/"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_enqueues_nothing(captured_tasks):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        user = User.objects.create_user("ada@example.com", "pw")
        enqueue_on_commit(say_hello, "Ada", owner=user, title="Hello")
        1 / 0  # noqa: B018  anything that aborts the transaction

    assert captured_tasks.results() == []
    assert User.objects.count() == 0
    assert OwnedTask.objects.count() == 0
