"""What the engine announces to the domain, sent inside the transaction of the change itself:
whatever a receiver writes commits or rolls back with it."""

from __future__ import annotations

from django.dispatch import Signal

# An instance was terminated and its open tasks cancelled. Arguments: instance, actor, reason.
# The domain keeps its own records in step (a service case ended from the board is cancelled).
instance_terminated = Signal()
