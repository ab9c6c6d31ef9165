"""audit_append(): link and insert a batch of events in one statement, inside PostgreSQL.

The chain used to cost two round trips per transaction (lock and read the head; insert and move
it) plus the hashing in Python between them. The function does the same work where the lock is:
it takes the head row FOR UPDATE, stamps the batch with the time it got the lock, and hashes each
event exactly as audit/chain.py does (sha256 of previous hash + canonical JSON, hex). Each event
arrives as a JSON object of its columns plus its canonical text in three pieces (head, middle,
tail) around the two values only known here, the id and the time (chain.canonical_parts); audit_verify still recomputes everything in Python, so any
disagreement between the two shows up as a broken chain in the tests.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_append(events jsonb)
RETURNS TABLE (event_id bigint, event_time timestamptz, event_prev varchar, event_hash varchar)
LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    previous text;
    moment timestamptz;
    stamp text;
    current_hash text;
    i integer;
    event jsonb;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        -- A snapshot older than the lock would miss the previous writer's head and fork the chain.
        RAISE EXCEPTION 'audit events need READ COMMITTED isolation, not %',
            current_setting('transaction_isolation');
    END IF;
    SELECT h.last_event_id, h.hash INTO last_id, previous FROM audit_chainhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        -- Only after the head table was emptied (a test database flush): go on from the real end.
        INSERT INTO audit_chainhead (id, last_event_id, hash)
        SELECT 1, coalesce(max(e.id), 0),
               coalesce((SELECT e2.hash FROM audit_auditevent e2 ORDER BY e2.id DESC LIMIT 1), repeat('0', 64))
        FROM audit_auditevent e
        ON CONFLICT (id) DO NOTHING;
        SELECT h.last_event_id, h.hash INTO last_id, previous FROM audit_chainhead h WHERE h.id = 1 FOR UPDATE;
    END IF;
    -- Taken after the lock, so times never run backwards along the chain.
    moment := clock_timestamp();
    stamp := to_char(moment AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    FOR i IN 0 .. jsonb_array_length(events) - 1 LOOP
        event := events -> i;
        last_id := last_id + 1;
        current_hash := encode(
            sha256(convert_to(
                previous || (event ->> 'head') || last_id::text || (event ->> 'middle') || stamp
                || (event ->> 'tail'),
                'UTF8'
            )),
            'hex'
        );
        INSERT INTO audit_auditevent (
            id, occurred_at, actor_id, actor_username, actor_role, actor_org_unit, action,
            target_type, target_id, business_key, instance_id, before, after, reason,
            request_id, client_ip, prev_hash, hash
        )
        SELECT last_id, moment, r.actor_id, r.actor_username, r.actor_role, r.actor_org_unit, r.action,
               r.target_type, r.target_id, r.business_key, r.instance_id, r.before, r.after, r.reason,
               r.request_id, r.client_ip, previous, current_hash
        FROM jsonb_populate_record(NULL::audit_auditevent, event) r;
        event_prev := previous;
        previous := current_hash;
        event_id := last_id;
        event_time := moment;
        event_hash := current_hash;
        RETURN NEXT;
    END LOOP;
    UPDATE audit_chainhead SET last_event_id = last_id, hash = previous WHERE id = 1;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_case_and_scorecard_actions"),
    ]

    operations = [
        migrations.RunSQL(
            sql=FUNCTION,
            reverse_sql="DROP FUNCTION IF EXISTS audit_append(jsonb)",
        )
    ]
