"""What every app shares and nothing app-specific: the one error type (core.errors), the service
call helpers (core.service: the write transaction, permission checks, audit) and the database
wire code the engine's fixed statements go through (core.db). It may import Django and the
audit app, never the engine (workflows) or the domain (casemgmt)."""
