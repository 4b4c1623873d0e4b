# Each search document keeps its object's place in its model's order (`sort_key`: the field the
# model registered as `order`, the organisations' name_key, the people's name), so that a search
# on PostgreSQL sorts the documents it finds, or walks them in that order, and looks up only a
# page's objects (`fulltext._sorted_by_documents`). A plain column with a default on both
# databases: Django's AddField on SQLite would copy the table anew, without the triggers that
# keep its FTS5 tables (0002, 0007). The index of that order on PostgreSQL only, where searches
# use it (SQLite's searches join their index tables to the model's table). It holds the names'
# vector too: a search in the names (the pickers) walks the order without reading a document.

import importlib

from django.db import migrations, models

TABLE = "bruecken_searchdocument"
ORDER_INDEX = "bruecken_searchdocument_order"

# Runs the statements on PostgreSQL only, as 0008 does.
_run = importlib.import_module("bruecken.migrations.0008_search_word_endings_postgresql")._run


def fill(apps, schema_editor):
    from bruecken import fulltext

    quote = schema_editor.quote_name
    for label, spec in fulltext.REGISTRY.items():
        if not spec.order:
            continue
        model = apps.get_model(label)
        column = model._meta.get_field(spec.order).column
        schema_editor.execute(
            f"UPDATE {TABLE} SET sort_key = COALESCE((SELECT {quote(column)} FROM "  # noqa: S608
            f"{quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = "
            f"{TABLE}.object_id), '') WHERE kind = %s",
            [label],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bruecken", "0009_search_indexes_of_organisations"),
        ("actors", "0009_person_with_account_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="sort_key",
                    field=models.TextField(default=""),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} ADD COLUMN sort_key text NOT NULL DEFAULT ''",
                    f"ALTER TABLE {TABLE} DROP COLUMN sort_key",
                )
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(
            _run(
                [
                    f"CREATE INDEX {ORDER_INDEX} ON {TABLE} (kind, sort_key, object_id) "
                    "INCLUDE (name_vector)"
                ]
            ),
            _run([f"DROP INDEX IF EXISTS {ORDER_INDEX}"]),
        ),
    ]
