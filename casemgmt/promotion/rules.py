"""Permissions of the promotion app (django-rules, autodiscovered)."""

from __future__ import annotations
