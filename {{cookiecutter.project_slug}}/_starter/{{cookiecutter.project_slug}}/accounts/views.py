"""Registration: create the account. (The tutorial's starting point: part 3 of the
tutorial has you write the version that sends the welcome email.)

Both forms here send mail, so both are limited (limits.py) and neither tells a visitor
whether an address has an account (the password reset's form: forms.py).
"""

from functools import partial

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import limits
from .forms import PasswordResetRequestForm, RegistrationForm
from .models import User
from .notices import send_account_exists_email


@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests  # the atomic block below must be the outermost
def register(request: HttpRequest) -> HttpResponse:
    """Show the form; on a valid POST create the user, and sign them in."""
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not limits.allow(request, "register", form.cleaned_data["email"]):
            form.add_error(None, limits.TOO_MANY)
            return render(request, "accounts/register.html", {"form": form}, status=429)
        # Hashing the password takes most of a second of CPU, on purpose: do it before
        # the transaction, so that the transaction holds its locks for milliseconds.
        user = form.save(commit=False)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # The address has an account: its owner is told, the visitor is not.
            tell_the_owner(request, form.cleaned_data["email"])
            return render(request, "accounts/check_your_email.html")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "accounts/register.html", {"form": form})


def tell_the_owner(request: HttpRequest, email: str) -> None:
    """Email the owner of `email` that someone tried to register with it."""
    site_url = f"{request.scheme}://{request.get_host()}"
    for owner_id in User.objects.filter(email__iexact=email).values_list("pk", flat=True):
        transaction.on_commit(partial(send_account_exists_email.enqueue, owner_id, site_url))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, limited, with the form that emails from a task."""

    form_class = PasswordResetRequestForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        """Send the email (from a task), unless the client or the address is over its limit."""
        if not limits.allow(self.request, "password_reset", form.cleaned_data["email"]):
            form.add_error(None, limits.TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
