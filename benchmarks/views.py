"""The two registrations the project's (which enqueues its welcome email) is compared with.

Both do what accounts/views.py does - validate the form, count the request
against the mail limits, hash the password, create the user in a transaction,
log them in, redirect - and differ only in
the email: one sends it inside the request, as a project without a task queue
would; the other sends none, the floor any registration pays. They exist for
the lab only.
"""

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from tasks_demo.accounts import limits
from tasks_demo.accounts.forms import RegistrationForm
from tasks_demo.accounts.tasks import welcome_message


def register(request: HttpRequest, *, send_email: bool) -> HttpResponse:
    """Create the account; send the welcome email inline if `send_email`."""
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text())
    limits.allow(request, "register", form.cleaned_data["email"])  # settings.py lifts the limit
    user = form.save(commit=False)
    with transaction.atomic():
        user.save()
    if send_email:
        # The email the task sends, sent here instead, before answering.
        welcome_message(user).send()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("home")


@require_POST
@transaction.non_atomic_requests
def register_sending_inline(request: HttpRequest) -> HttpResponse:
    """Register and send the welcome email before answering."""
    return register(request, send_email=True)


@require_POST
@transaction.non_atomic_requests
def register_without_email(request: HttpRequest) -> HttpResponse:
    """Register and send no email at all."""
    return register(request, send_email=False)
