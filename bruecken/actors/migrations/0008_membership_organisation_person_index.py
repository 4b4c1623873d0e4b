# The members of the organisations of some municipalities (who may see a person,
# Person.visibility_q, as PostgreSQL plans it: the set once, not row by row) from one index on
# (organisation, person), which serves lookups by organisation too.


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0007_membership_person_organisation_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="actors.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(fields=["organisation", "person"], name="membership_org_person"),
        ),
    ]
