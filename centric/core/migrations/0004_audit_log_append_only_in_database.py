"""Make the audit log append-only in the database, not only per model instance (decision 0030).

A bulk `update()`/`delete()` or raw SQL skips `AuditEvent.save()`/`delete()`; these triggers do
not. The one change allowed is clearing `actor_id` when that user is deleted (on_delete=SET_NULL):
the `username` column keeps who it was. On SQLite the delete trigger lets a whole-database flush
through (`centric.core.audit.whole_database_flush`); PostgreSQL's flush is a TRUNCATE, which row
triggers do not see.
"""

from django.db import migrations

MESSAGE = "Audit events are append-only"

POSTGRESQL_FORWARD = [
    f"""
    CREATE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
           AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]

# SQLite has no row-to-JSON, so every column but actor_id is named (a new column goes here).
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    WHEN NOT (
        NEW.actor_id IS NULL
        AND NEW.id IS OLD.id
        AND NEW.kind IS OLD.kind
        AND NEW.occurred_at IS OLD.occurred_at
        AND NEW.username IS OLD.username
        AND NEW.ip_address IS OLD.ip_address
        AND NEW.detail IS OLD.detail
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    WHEN NOT centric_whole_database_flush()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
]


def _run(schema_editor, statements_by_vendor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        raise RuntimeError(f"Centric runs on SQLite or PostgreSQL, not {vendor}")
    for statement in statements_by_vendor[vendor]:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})


def backward(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_kinds_for_settings_and_merges"),
    ]

    operations = [migrations.RunPython(forward, backward)]
