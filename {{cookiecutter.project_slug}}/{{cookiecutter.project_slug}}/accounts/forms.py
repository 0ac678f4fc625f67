"""The registration form: an email address and a password typed twice."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm

from .models import User


class RegistrationForm(BaseUserCreationForm):
    """Validates a new account; an address already registered is a form error."""

    class Meta:
        model = User
        fields = ["email"]

    def clean_email(self) -> str:
        """Normalize the address and refuse one already registered, whatever its case."""
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists.", code="duplicate_email"
            )
        return email
