"""Background tasks. (The tutorial's starting point: Django's ImmediateBackend, which runs each
task inside `enqueue()`, in the process that enqueues it. Part 2 of the tutorial has you write
the version whose tasks wait in the database for a worker.)
"""

TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": [],  # any queue name
    }
}
