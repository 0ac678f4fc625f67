"""What the tests need beside Django and pytest: a task backend, SMTP, worker processes."""
