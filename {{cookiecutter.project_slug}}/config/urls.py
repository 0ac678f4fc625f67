"""URL configuration: one include per app."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
{%- if cookiecutter.backend == "rq" %}
from django_rq.stats_views import prometheus_metrics
{%- endif %}

from {{ cookiecutter.project_slug }}.accounts.admin_site import StaffAdminSite

# Staff type a one-time password too when ADMIN_REQUIRES_OTP is on (django-otp's advice:
# give the default admin site its class, and every app's admin.py registers on it).
admin.site.__class__ = StaffAdminSite

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("{{ cookiecutter.project_slug }}.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("reports/", include("{{ cookiecutter.project_slug }}.reports.urls")),
    path("tasks/", include("{{ cookiecutter.project_slug }}.taskstatus.urls")),
{%- if cookiecutter.backend == "rq" %}
    # django-rq's Prometheus metrics; its dashboard is in the admin ("Django-RQ").
    path("metrics", prometheus_metrics, name="metrics"),
{%- else %}
    # Before the admin's: the dashboard's pages are under admin/.
    path("", include("{{ cookiecutter.project_slug }}.monitoring.urls")),
{%- endif %}
    path("admin/", admin.site.urls),
]

if "debug_toolbar" in settings.INSTALLED_APPS:
    urlpatterns += [path("__debug__/", include("debug_toolbar.urls"))]
