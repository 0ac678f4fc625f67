"""Registration: create the account, then send the welcome email in the background."""

from django.contrib.auth import login
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..taskstatus.enqueue import enqueue_on_commit
from .forms import RegistrationForm
from .tasks import send_welcome_email


@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests  # the atomic block below must be the outermost
def register(request: HttpRequest) -> HttpResponse:
    """Show the form; on a valid POST create the user and enqueue their welcome email."""
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Hashing the password takes most of a second of CPU, on purpose: do it before
        # the transaction, so that the transaction holds its locks for milliseconds.
        user = form.save(commit=False)
        try:
            with transaction.atomic():
                user.save()
                # Enqueued only once the user is committed: a worker that picks the
                # task up at once must find the user in the database.
                welcome_email = enqueue_on_commit(
                    send_welcome_email, user.pk, owner=user, title=f"Welcome email to {user.email}"
                )
        except IntegrityError:
            # Another request registered the same address since form validation.
            form.add_error("email", "An account with this email address already exists.")
        else:
            login(request, user)
            return redirect(welcome_email.status_url)
    return render(request, "accounts/register.html", {"form": form})
