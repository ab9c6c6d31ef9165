"""Make both audit tables append-only inside PostgreSQL itself.

The ORM is not the only way in (psql, a careless data migration, a bulk `.update()`), so the
database refuses UPDATE, DELETE and TRUNCATE. TRUNCATE is let through only when the session
sets `nqi_audit.allow_truncate = on`: Django's test runner flushes every table with TRUNCATE
between transactional tests (see `audit.testing`). That opening weakens nothing, because a
role allowed to TRUNCATE the table (its owner) could just as well disable the triggers; the
triggers stop accidents, the hash chain and `audit_verify` detect the rest.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_chainverification")

FUNCTIONS = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('nqi_audit.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (TRUNCATE on %)', TG_TABLE_NAME;
END
$$;
"""

TRIGGERS = "".join(
    f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""
    for table in TABLES
)

DROP = (
    "".join(
        f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
"""
        for table in TABLES
    )
    + """
DROP FUNCTION IF EXISTS audit_refuse_change();
DROP FUNCTION IF EXISTS audit_refuse_truncate();
"""
)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(sql=FUNCTIONS + TRIGGERS, reverse_sql=DROP)]
