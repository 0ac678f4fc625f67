from django.urls import path

from . import views

urlpatterns = [
    path("register/", views.register, name="register"),
    # Before django.contrib.auth.urls (config/urls.py), whose view of the same name it replaces.
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
