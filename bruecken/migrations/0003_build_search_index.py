# The index for the rows that existed before it: every registered model's documents, built
# from the models as they stand at this migration (fields added later are left out until
# `bruecken reindex` runs).

from django.db import migrations


def build(apps, schema_editor):
    from bruecken import fulltext

    for label, spec in fulltext.REGISTRY.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        names = {field.name for field in model._meta.get_fields()}
        present = fulltext.Spec(
            *(
                tuple(name for name in part if name in names)
                for part in (spec.name, spec.public, spec.private)
            )
        )
        fulltext.reindex(model, spec=present)


class Migration(migrations.Migration):
    dependencies = [
        ("bruecken", "0002_searchdocument"),
        ("actors", "0003_listing_request"),
        ("events", "0004_english_agenda_items"),
        ("programs", "0003_english_goals_and_results"),
        ("guide", "0001_initial"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
