"""URL configuration: one include per app."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("{{ cookiecutter.project_slug }}.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("reports/", include("{{ cookiecutter.project_slug }}.reports.urls")),
    path("tasks/", include("{{ cookiecutter.project_slug }}.taskstatus.urls")),
    # Before the admin's: the dashboard's pages are under admin/.
    path("", include("{{ cookiecutter.project_slug }}.monitoring.urls")),
    path("admin/", admin.site.urls),
]

if "debug_toolbar" in settings.INSTALLED_APPS:
    urlpatterns += [path("__debug__/", include("debug_toolbar.urls"))]
