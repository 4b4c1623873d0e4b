"""The list queries must show exactly what the rules allow, for every role."""

import pytest

from bruecken.actors.models import Organisation, Person

from .test_rules import USERS


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize(
    ("model", "private", "permission"),
    [
        (Organisation, False, "actors.view_organisation"),
        (Organisation, True, "actors.view_organisation_private"),
        (Person, False, "actors.view_person"),
        (Person, True, "actors.view_person_private"),
    ],
)
def test_scope_matches_rules(world, user_name, model, private, permission):
    user = world["users"][user_name]
    listed = set(model.objects.visible_to(user, private=private))
    permitted = {o for o in model.objects.all() if user.has_perm(permission, o)}
    assert listed == permitted


def test_withdrawn_consent_hides_at_once(world):
    from bruecken.actors.services import withdraw_organisation_consent

    anonymous = world["users"]["anonymous"]
    public = world["organisations"]["kiel_public"]
    assert Organisation.objects.filter(Organisation.visibility_q(anonymous), pk=public.pk).exists()
    withdraw_organisation_consent(world["users"]["kiel_coordinator"], public)
    assert not Organisation.objects.filter(
        Organisation.visibility_q(anonymous), pk=public.pk
    ).exists()
    assert not anonymous.has_perm(
        "actors.view_organisation", Organisation.objects.get(pk=public.pk)
    )
