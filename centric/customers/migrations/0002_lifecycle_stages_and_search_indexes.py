"""Seed the default lifecycle stages; add the name-search index (FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations

from centric.core.search import postgres_search_index_sql, sqlite_fts_drop_sql, sqlite_fts_sql

TABLES = ["customers_person", "customers_organisation"]
STAGES = [
    ("subscriber", "Subscriber", False),
    ("lead", "Lead", False),
    ("qualified", "Qualified", False),
    ("opportunity", "Opportunity", False),
    ("customer", "Customer", True),
    ("lost", "Lost", False),
    ("churned", "Churned", False),
]


def seed_stages(apps, schema_editor):
    LifecycleStage = apps.get_model("customers", "LifecycleStage")
    for position, (key, label, is_customer) in enumerate(STAGES):
        LifecycleStage.objects.get_or_create(
            key=key, defaults={"label": label, "position": position * 10, "counts_as_customer": is_customer}
        )


def unseed_stages(apps, schema_editor):
    apps.get_model("customers", "LifecycleStage").objects.filter(key__in=[s[0] for s in STAGES]).delete()


def create_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            statements = sqlite_fts_sql(table)
        elif vendor == "postgresql":
            statements = [
                postgres_search_index_sql(table)[0],
            ]
        else:  # pragma: no cover
            raise RuntimeError(f"Unsupported database: {vendor}")
        for sql in statements:
            schema_editor.execute(sql)
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS customers_contactpoint_value_prefix "
            "ON customers_contactpoint (value_normalized varchar_pattern_ops)"
        )


def drop_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        statements = sqlite_fts_drop_sql(table) if vendor == "sqlite" else [postgres_search_index_sql(table)[1]]
        for sql in statements:
            schema_editor.execute(sql)
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customers_contactpoint_value_prefix")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        migrations.RunPython(seed_stages, unseed_stages),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
