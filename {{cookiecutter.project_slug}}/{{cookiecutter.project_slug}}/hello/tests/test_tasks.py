"""say_hello: the tutorial's first task."""

from ..tasks import say_hello


def test_say_hello_greets_by_name(captured_tasks):
    result = say_hello.enqueue("Ada")
    assert result.status == "READY"

    [finished] = captured_tasks.run_all()

    assert finished.status == "SUCCESSFUL"
    assert finished.return_value == "Hello, Ada!"


def test_say_hello_runs_on_the_default_queue():
    assert say_hello.queue_name == "default"
