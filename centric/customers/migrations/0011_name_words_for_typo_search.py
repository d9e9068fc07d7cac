"""The distinct words of people's search names, for the typo-tolerant search (PostgreSQL: a
table kept by statement triggers, indexed by one-letter deletions; SQLite reads its FTS5
index's own vocabulary and needs nothing here)."""

from django.db import migrations

from centric.core.search import typo_words_sql

TABLE = "customers_person"


def create_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in typo_words_sql(TABLE)[0]:
            schema_editor.execute(sql)


def drop_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in typo_words_sql(TABLE)[1]:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("customers", "0010_contact_point_ending_index")]

    operations = [migrations.RunPython(create_words, drop_words)]
