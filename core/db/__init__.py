"""The engine's fixed statements: prepared on the server, BEGIN and COMMIT in the same round trip
(statements.py decides when, wire.py speaks to libpq)."""
