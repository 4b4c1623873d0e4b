# Who may see a person is asked row by row through their memberships (Person.visibility_q):
# one index on (person, organisation) answers it alone and serves lookups by person too.


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0006_directory_public_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="actors.person",
                verbose_name="person",
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(fields=["person", "organisation"], name="membership_person_org"),
        ),
    ]
