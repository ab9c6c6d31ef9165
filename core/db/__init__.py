"""The database layer under the services: the engine's fixed statements, prepared on the server
with BEGIN and COMMIT in the same round trip (statements.py decides when, wire.py speaks to
libpq), and the tail of a write transaction, whose deferred statements travel with its last
statement and COMMIT (tail.py)."""
