"""The project's URLs, and the lab's two other registration views."""

from config.urls import urlpatterns as project_urlpatterns
from django.urls import path

from . import views

urlpatterns = [
    path("bench/register-inline/", views.register_sending_inline, name="bench-register-inline"),
    path("bench/register-no-email/", views.register_without_email, name="bench-register-no-email"),
    *project_urlpatterns,
]
