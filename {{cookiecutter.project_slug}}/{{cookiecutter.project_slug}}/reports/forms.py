"""Ask for a report on one month: a real month, not in the future."""

import datetime

from django import forms
from django.utils import timezone

from .models import Report


class ReportRequestForm(forms.ModelForm):
    month = forms.DateField(
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="For example 2026-10.",
        error_messages={"invalid": "Enter a month as YYYY-MM, for example 2026-10."},
    )

    class Meta:
        model = Report
        fields = ["month"]

    def clean_month(self) -> datetime.date:
        """Refuse months that have not started yet."""
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError("That month has not happened yet.", code="future")
        return month
