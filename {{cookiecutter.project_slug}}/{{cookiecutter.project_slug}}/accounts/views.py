"""Registration: create the account, then send the welcome email in the background.

Registration sends mail to an address anyone can type: it is limited (limits.py), and does not
tell a visitor whether an address has an account (notices.py tells its owner instead).
"""

from django.contrib.auth import login
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..taskstatus.enqueue import enqueue_on_commit
from . import limits
from .forms import RegistrationForm
from .notices import tell_the_owner
from .tasks import send_welcome_email


@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests  # the atomic block below must be the outermost
def register(request: HttpRequest) -> HttpResponse:
    """Show the form; on a valid POST create the user and enqueue their welcome email."""
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
                welcome_email = enqueue_on_commit(
                    send_welcome_email, user.pk, owner=user, title="Welcome email"
                )
        except IntegrityError:
            # The address has an account: its owner is told, the visitor is not.
            tell_the_owner(request, form.cleaned_data["email"])
            return render(request, "accounts/check_your_email.html")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(welcome_email.status_url)
    return render(request, "accounts/register.html", {"form": form})
