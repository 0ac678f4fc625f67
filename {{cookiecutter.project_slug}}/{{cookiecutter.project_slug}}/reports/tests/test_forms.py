"""A report is requested for a real month that has already started."""

import pytest
from django.utils import timezone

from ..forms import ReportRequestForm


def test_the_current_month_is_valid():
    this_month = timezone.localdate().strftime("%Y-%m")
    form = ReportRequestForm({"month": this_month})
    assert form.is_valid()
    assert form.cleaned_data["month"] == timezone.localdate().replace(day=1)


def test_a_past_month_is_valid():
    assert ReportRequestForm({"month": "2024-02"}).is_valid()


def test_a_future_month_is_a_form_error():
    today = timezone.localdate()
    next_year = f"{today.year + 1}-{today.month:02d}"
    form = ReportRequestForm({"month": next_year})
    assert not form.is_valid()
    assert form.has_error("month", "future")


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "October", "2026-10-01x", "", "9" * 500])
def test_anything_but_a_real_month_is_a_form_error(month):
    form = ReportRequestForm({"month": month})
    assert not form.is_valid()
    assert "month" in form.errors
