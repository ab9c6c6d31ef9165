"""Permissions for the registry area (django-rules); imported by casemgmt.rules."""

from __future__ import annotations
