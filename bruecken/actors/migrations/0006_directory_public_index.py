# The public directory counts and pages the consented organisations in their order
# (bruecken/website/views/directory.py): a partial index on the order, read alone.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0005_introduction_tie_kind"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                condition=models.Q(("consent_given_at__isnull", False)),
                fields=["name_key", "id"],
                name="actors_organisation_public",
            ),
        ),
    ]
