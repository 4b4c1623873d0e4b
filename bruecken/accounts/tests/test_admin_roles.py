"""Role changes made in the Django admin are audited like those of the staff pages."""

import pytest
from django.urls import reverse

from bruecken.accounts.models import AuditEntry, Role, RoleAssignment
from bruecken.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_data(user, roles, extra=1):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": "de",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "roles-TOTAL_FORMS": str(len(roles) + extra),
        "roles-INITIAL_FORMS": str(len([r for r in roles if r.get("id")])),
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    for number, role in enumerate(roles):
        for key, value in role.items():
            data[f"roles-{number}-{key}"] = value
        data[f"roles-{number}-user"] = str(user.pk)
    return data


@pytest.fixture
def admin_client(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    client.superuser = superuser
    return client


def test_role_granted_changed_and_removed_in_the_admin_is_audited(admin_client, bonn, kiel):
    user = UserFactory()
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = admin_client.post(
        url, form_data(user, [{"role": Role.COORDINATOR, "municipality": str(bonn.pk)}])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = RoleAssignment.objects.get(user=user)
    entries = AuditEntry.objects.filter(object_type="accounts.roleassignment")
    created = entries.get(action="create")
    assert created.user == admin_client.superuser
    assert created.changes["role"][1]

    admin_client.post(
        url,
        form_data(
            user,
            [{"id": str(assignment.pk), "role": Role.COORDINATOR, "municipality": str(kiel.pk)}],
        ),
    )
    changed = entries.get(action="update")
    assert changed.changes["municipality"] == [str(bonn), str(kiel)]

    admin_client.post(
        url,
        form_data(
            user,
            [
                {
                    "id": str(assignment.pk),
                    "role": Role.COORDINATOR,
                    "municipality": str(kiel.pk),
                    "DELETE": "on",
                }
            ],
        ),
    )
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert entries.filter(action="delete").count() == 1
    # Filed under the account too: its history shows the role changes.
    assert AuditEntry.objects.filter(subjects__key=f"accounts.user:{user.pk}").count() >= 3


def test_making_a_superuser_in_the_admin_is_audited(admin_client):
    user = UserFactory()
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = form_data(user, [], extra=0)
    data["is_superuser"] = "on"
    assert admin_client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert entry.changes == {"is_superuser": [False, True]}
