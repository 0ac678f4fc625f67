"""Password reset: Django's view, limited (limits.py), with the form that emails from a task and
does not tell a visitor whether an address has an account (forms.py)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse

from . import limits
from .forms import PasswordResetRequestForm


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, limited, with the form that emails from a task."""

    form_class = PasswordResetRequestForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        """Send the email (from a task), unless the client or the address is over its limit."""
        if not limits.allow(self.request, "password_reset", form.cleaned_data["email"]):
            form.add_error(None, limits.TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
