"""Personal values masked by default and revealed per record with a reason (issue 19, item 3)."""
