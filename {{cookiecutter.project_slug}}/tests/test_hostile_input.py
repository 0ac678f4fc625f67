"""Hostile input: whatever a client sends, no view answers 500.

Hypothesis throws generated input at every view. Each answer must be a careful site's: a form
error, a redirect to log in, 403 without a CSRF token, 404 for an id not the user's own, 400
for a request too large to read. 15 cases per test, 150 with HYPOTHESIS_PROFILE=full.
"""

import datetime
import os
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.reports.models import Report

settings.register_profile(
    "ci",
    max_examples=15,
    deadline=None,  # a shared CI machine is slow now and then
    database=None,  # no .hypothesis/ folder; a failure prints its input
    # The examples of a test share one database, and the users below.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("full", settings.get_profile("ci"), max_examples=150)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REGISTER = reverse("register")
RESET = reverse("password_reset")
REPORTS = reverse("reports:list")
LOG_IN = reverse("login")

# What a hostile client types: any text (control characters and NUL included),
# valid and invalid addresses, very long values, several values for one field.
any_text = st.text(max_size=300)
value = st.one_of(any_text, st.emails(), st.text(alphabet="a@.-", max_size=30), st.just(""))
form_data = st.one_of(
    st.dictionaries(
        keys=st.one_of(st.sampled_from(["email", "password1", "password2", "month"]), any_text),
        values=st.one_of(value, st.lists(value, max_size=3)),
        max_size=6,
    ),
    # Well-formed registrations, so that some succeed.
    st.builds(
        lambda email, password: {"email": email, "password1": password, "password2": password},
        st.emails(),
        st.text(min_size=10, max_size=40),
    ),
)
# The longest address there may be: 254 characters, a local part of 64, labels of 63.
LONGEST_EMAIL = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}.com"
# Months as the form expects them, or nearly: any year, any month number.
month = st.one_of(
    any_text,
    st.builds("{:04d}-{:02d}".format, st.integers(-1, 10_000), st.integers(-1, 13)),
    st.dates().map(lambda day: day.strftime("%Y-%m")),
)
# Task ids: anything, UUIDs like real ones, and the ids of another user's tasks.
task_id = st.one_of(any_text, st.uuids().map(str))
report_pk = st.integers(min_value=-1, max_value=2**70)


@pytest.fixture
def adas_report(ada) -> Report:
    return Report.objects.create(owner=ada, month=datetime.date(2026, 1, 1), content="date\n")


def logged_in(user: User, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def task_urls(task_id: str) -> list[str]:
    """The status page and JSON of a task id, quoted as a browser would send it."""
    quoted = quote(task_id, safe="")
    return [f"/tasks/{quoted}/", f"/tasks/{quoted}/status.json"]


def report_urls(pk: int) -> list[str]:
    return [f"/reports/{pk}/", f"/reports/{pk}/status.json", f"/reports/{pk}/download.csv"]


@pytest.fixture
def no_mail_limits(settings) -> None:
    """Room for every example: the limits are tested in accounts/tests/test_limits.py."""
    settings.MAIL_LIMIT_PER_CLIENT = settings.MAIL_LIMIT_PER_ADDRESS = 10**6


@pytest.mark.django_db(transaction=True)  # a registration enqueues on commit
@given(data=form_data)
@example(data={"email": LONGEST_EMAIL, "password1": "a passphrase", "password2": "a passphrase"})
def test_registration_answers_any_post_with_the_form_or_a_redirect(
    captured_tasks, no_mail_limits, data
):
    before = User.objects.count()
    response = Client().post(REGISTER, data)

    if response.status_code == 200 and "form" in response.context:
        assert response.context["form"].errors
        assert User.objects.count() == before
    elif response.status_code == 200:  # an address with an account: its owner is emailed
        assert "Check your email" in response.text
        assert User.objects.count() == before
    else:
        assert response.status_code == 302
        assert response.url.startswith("/tasks/")
        assert User.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)  # a reset email is enqueued on commit
@given(data=form_data)
@example(data={"email": LONGEST_EMAIL})
def test_password_reset_answers_any_post_with_the_form_or_the_same_page(
    ada, captured_tasks, no_mail_limits, data
):
    response = Client().post(RESET, data)

    if response.status_code == 200:
        assert response.context["form"].errors
    else:
        assert (response.status_code, response.url) == (302, reverse("password_reset_done"))


@pytest.mark.django_db
@given(username=value, password=value, user_agent=any_text)
@example(username="\x00", password="x", user_agent="\x00")  # NUL, refused by some databases
def test_login_answers_any_post_with_the_form_or_the_lockout_page(
    ada, username, password, user_agent
):
    """Wrong logins are recorded (django-axes), with what the client sent: still never 500."""
    response = Client(HTTP_USER_AGENT=user_agent).post(
        LOG_IN, {"username": username, "password": password}
    )
    assert response.status_code in {200, 429}
    if response.status_code == 200:
        assert response.context["form"].errors


@pytest.mark.django_db(transaction=True)  # a report request enqueues on commit
@given(month=month)
def test_report_requests_answer_any_month_with_the_form_or_a_redirect(ada, captured_tasks, month):
    before = Report.objects.count()
    response = logged_in(ada).post(REPORTS, {"month": month})

    if response.status_code in {200, 429}:  # the month's error, or the hourly cap's
        field = "month" if response.status_code == 200 else "__all__"
        assert response.context["form"].errors[field]
        assert Report.objects.count() == before
    else:
        assert response.status_code == 302
        report = Report.objects.latest("requested_at")
        assert report.month <= datetime.date.today()


@pytest.mark.django_db
@given(task_id=task_id, pk=report_pk)
@example(task_id="\x00", pk=2**63)  # NUL, refused by some databases, once answered 500
def test_an_id_shows_its_owners_thing_only(ada, adas_task, adas_report, grace, task_id, pk):
    """Ada sees her own; for Grace, hers and any other id are 404; anonymous, a log in."""
    anyones = [*task_urls(task_id), *report_urls(pk)]
    adas = [*task_urls(adas_task.id), *report_urls(adas_report.pk)]
    for url in adas:
        assert logged_in(ada).get(url).status_code == 200, url
    for url in anyones + adas:
        assert logged_in(grace).get(url).status_code == 404, url
        response = Client().get(url)  # an id no URL pattern takes is 404 before the log-in
        assert response.status_code == 404 or response.url.startswith(f"{LOG_IN}?next="), url
    for url in anyones:
        assert logged_in(ada).get(url).status_code in {200, 404}, url


@pytest.mark.django_db
@given(method=st.sampled_from(["put", "patch", "delete", "options"]), task_id=task_id)
def test_other_methods_are_not_allowed(ada, adas_task, method, task_id):
    client = logged_in(ada)
    for url in [REGISTER, *task_urls(adas_task.id)]:
        assert getattr(client, method)(url).status_code == 405, url
    for url in task_urls(task_id):  # 404 if no URL pattern matches it
        assert getattr(client, method)(url).status_code in {404, 405}, url


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused(ada):
    assert Client(enforce_csrf_checks=True).post(REGISTER, {}).status_code == 403
    reports = logged_in(ada, enforce_csrf_checks=True).post(REPORTS, {"month": "2026-01"})
    assert reports.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_posts_too_large_to_read_are_bad_requests():
    fields = {f"field{n}": "x" for n in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    ten_megabytes = {"email": "a" * 10 * 1024 * 1024}
    assert Client().post(REGISTER, fields).status_code == 400
    assert Client().post(REGISTER, ten_megabytes).status_code == 400
    assert User.objects.count() == 0


# --- Reports: one a month in flight per user, and a few an hour ---------------------------

CAP = 3  # reports a user may request an hour, in these tests
# What two users do: (who, which month, whether the reports worker then runs what is queued).
report_requests = st.lists(
    st.tuples(st.sampled_from(["ada", "grace"]), st.sampled_from(["2026-01", "2026-02", "2026-03",
              "2026-04"]), st.booleans()),
    max_size=12,
)  # fmt: skip


@pytest.mark.django_db(transaction=True)  # a report request enqueues on commit
@given(requests=report_requests)
def test_a_user_has_one_report_a_month_in_flight_and_a_few_an_hour(
    ada, grace, captured_tasks, requests
):
    """Asking for a month in flight shows its report; past the cap, a message (429); else a new
    report and one task. What one user does never changes another's answers."""
    Report.objects.all().delete()  # the examples share the database
    captured_tasks.clear()
    users = {"ada": ada, "grace": grace}
    clients = {name: logged_in(user) for name, user in users.items()}
    with override_settings(REPORTS_PER_USER_PER_HOUR=CAP):
        for name, month, then_run in requests:
            theirs = Report.objects.filter(owner=users[name])
            in_flight = theirs.filter(month=f"{month}-01", finished_at=None).first()
            requested = theirs.count()

            response = clients[name].post(REPORTS, {"month": month})

            if in_flight:
                assert response.url == in_flight.get_absolute_url()
            elif requested >= CAP:
                assert response.status_code == 429
                assert "limit of reports an hour" in response.context["form"].errors["__all__"][0]
            else:
                assert response.url == theirs.latest("pk").get_absolute_url()
            assert theirs.count() == requested + (not in_flight and requested < CAP)
            if then_run:
                captured_tasks.run_all()
    assert len(captured_tasks.results()) == Report.objects.count()
