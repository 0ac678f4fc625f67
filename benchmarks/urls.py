"""The project's URLs, and the benchmark's two other registration views."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/register-inline/", views.register_sending_inline, name="bench-register-inline"),
    path("bench/register-no-email/", views.register_without_email, name="bench-register-no-email"),
    *project_urlpatterns,
]
