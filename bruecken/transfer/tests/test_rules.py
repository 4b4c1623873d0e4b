import pytest

from bruecken.accounts.tests.factories import UserFactory
from bruecken.transfer.models import ImportRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("office", True),
        ("bonn_coordinator", True),
        ("bonn_facilitator", False),
        ("participant", False),
    ],
)
def test_import_data(request, user, allowed):
    assert request.getfixturevalue(user).has_perm("transfer.import_data") is allowed


def test_view_importrun(office, bonn_coordinator, kiel_coordinator, bonn_facilitator):
    run = ImportRun.objects.create(
        kind="organisations", original_name="x", created_by=bonn_coordinator
    )
    assert office.has_perm("transfer.view_importrun", run)
    assert bonn_coordinator.has_perm("transfer.view_importrun", run)
    assert not kiel_coordinator.has_perm("transfer.view_importrun", run)
    assert not bonn_facilitator.has_perm("transfer.view_importrun", run)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("office", True),
        ("bonn_coordinator", True),
        ("bonn_facilitator", True),
        ("participant", False),
    ],
)
def test_export_actors(request, user, allowed):
    assert request.getfixturevalue(user).has_perm("transfer.export_actors") is allowed


def test_export_actors_not_without_role(db):
    assert not UserFactory().has_perm("transfer.export_actors")
