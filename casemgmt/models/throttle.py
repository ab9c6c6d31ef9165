"""Rate-limit hits for public (no sign-in) endpoints, kept in the database so that every web
process counts the same hits (the embedded set-up has no Redis)."""

from __future__ import annotations

from django.db import models


class RateLimitHit(models.Model):
    scope = models.CharField(max_length=32)  # e.g. "public-intake", "status-lookup"
    key = models.CharField(max_length=64)  # a hash of the client address, never the address itself
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="rate_limit_window_idx")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}@{self.at:%H:%M:%S}"
