from django.urls import path

from . import views
from .password_reset import PasswordResetView

urlpatterns = [
    path("register/", views.register, name="register"),
    # Before django.contrib.auth.urls (config/urls.py), whose view of the same name it replaces.
    path("password_reset/", PasswordResetView.as_view(), name="password_reset"),
]
