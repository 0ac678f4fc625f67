"""Tests that pin how django.tasks and django-tasks-db behave: the facts the docs build on.

They run inside a baked project (tests/test_evidence.py copies them there), against
its settings and its real database backend.
"""
