"""Service cases (办件): intake, numbering, the process's handlers, lifecycle exits, look-ups."""
