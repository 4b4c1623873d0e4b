"""The Django admin stays for the program office: every page opens, actors are read-only there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from bruecken.accounts.models import User
from bruecken.actors.models import Organisation
from bruecken.actors.tests.factories import MembershipFactory, TieFactory


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin@example.org", "pw")


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_every_changelist_opens(client, superuser, model):
    MembershipFactory()
    TieFactory()
    client.force_login(superuser)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200


def test_actors_cannot_be_changed_in_the_admin(client, superuser):
    organisation = MembershipFactory().organisation
    client.force_login(superuser)
    change_url = reverse("admin:actors_organisation_change", args=[organisation.pk])
    response = client.post(change_url, {"name": "Geändert"})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=organisation.pk).name != "Geändert"
    assert client.get(reverse("admin:actors_organisation_add")).status_code == 403


def test_office_creates_user_with_role(client, superuser, bonn):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "neu@example.org",
            "full_name": "Neue Koordination",
            "password1": "ein langes Passwort 2026",
            "password2": "ein langes Passwort 2026",
            "usable_password": "true",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-role": "coordinator",
            "roles-0-municipality": str(bonn.pk),
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert user.has_perm("actors.manage_actors_in", bonn)
