"""A report is requested for a real month that has already started."""

import pytest
from django.utils import timezone

from ..forms import ReportRequestForm


def test_the_current_month_is_valid_and_means_its_first_day():
    form = ReportRequestForm({"month": f"{timezone.localdate():%Y-%m}"})
    assert form.is_valid()
    assert form.cleaned_data["month"] == timezone.localdate().replace(day=1)


@pytest.mark.parametrize("month", ["2999-01", "2026-13", "October", "2026-10-01x", ""])
def test_a_future_month_or_anything_but_a_month_is_a_form_error(month):
    form = ReportRequestForm({"month": month})
    assert not form.is_valid()
    assert "month" in form.errors
