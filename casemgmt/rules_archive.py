"""Permissions for the archive area (django-rules); imported by casemgmt.rules."""

from __future__ import annotations
