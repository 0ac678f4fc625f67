"""Tasks in each state, as the workers leave them, for the monitoring app's tests."""

from django.contrib.auth.models import Permission
from django.test import Client

from ...accounts.models import User
from ...hello.tasks import say_hello
from ...workers import taskdb
from ...workers.models import WorkerProcess


def ready(name: str = "Ada") -> str:
    return say_hello.enqueue(name).id


def running(worker_id: str = "worker-1") -> taskdb.TaskRow:
    """A task claimed by `worker_id`, as a worker claims it (first: its priority is the top)."""
    task_id = say_hello.using(priority=100).enqueue("Ada").id
    row = taskdb.claim(worker_id, ["default"], [], "default")
    assert row is not None and str(row.pk) == task_id
    return row


def failed(error: Exception | None = None) -> str:
    row = running()
    assert taskdb.fail(row, error or RuntimeError("The mail server said no."))
    return str(row.pk)


def dead(worker_id: str) -> str:
    """A worker registered and holding no lock: as a SIGKILLed worker leaves itself."""
    WorkerProcess.objects.create(worker_id=worker_id, queues="default")
    return worker_id


def status(task_id: str) -> str:
    return say_hello.get_result(str(task_id)).status


def staff_client(*, may_operate: bool) -> Client:
    """A logged-in staff member, allowed to change task results or not."""
    user = User.objects.create_user("staff@example.com", "pw", is_staff=True)
    opts = taskdb.TaskRow._meta
    codenames = [f"view_{opts.model_name}"] + ([f"change_{opts.model_name}"] if may_operate else [])
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client
