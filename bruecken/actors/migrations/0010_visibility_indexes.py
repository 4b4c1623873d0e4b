# Who may see an organisation or a person, with its id, in an index of its own: read alone for
# each one a coordinator's search finds, and for a coordinator's count (bruecken/actors/models.py).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0009_person_with_account_index"),
        ("places", "0002_partnership_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                fields=["id", "municipality", "consent_given_at"], name="organisation_visibility"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["id", "municipality", "consent_given_at", "user"], name="person_visibility"
            ),
        ),
    ]
