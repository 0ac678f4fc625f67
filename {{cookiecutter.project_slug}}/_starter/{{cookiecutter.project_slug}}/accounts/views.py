"""Registration: create the account. (The tutorial's starting point: part 3 of the
tutorial has you write the version that sends the welcome email.)

Registration sends mail to an address anyone can type: it is limited (limits.py), and does not
tell a visitor whether an address has an account (notices.py tells its owner instead).
"""

from django.contrib.auth import login
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import limits
from .forms import RegistrationForm
from .notices import tell_the_owner


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
