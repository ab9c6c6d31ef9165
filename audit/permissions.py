"""Permission names the audit app checks; the rules that grant them are registered by the project."""

from __future__ import annotations

# Reading the log (API and review pages). Auditors and process admins hold it (casemgmt/rules.py).
VIEW_EVENTS = "audit.view_events"
