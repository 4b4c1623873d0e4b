# The content version moved from the website app to the project's own app; the table stays.
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("website", "0002_move_contentversion")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("value", models.PositiveBigIntegerField(default=0)),
                    ],
                    options={"verbose_name": "content version", "db_table": "website_contentversion"},
                ),
            ],
            database_operations=[],
        ),
    ]
