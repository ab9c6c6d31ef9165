from __future__ import annotations

from django import forms

from ..models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email_new_tasks", "email_assignments", "email_errors"]
