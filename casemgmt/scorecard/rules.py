"""Permissions of the scorecard app (django-rules, autodiscovered)."""

from __future__ import annotations
