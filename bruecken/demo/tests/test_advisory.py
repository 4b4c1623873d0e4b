import datetime

import pytest
from django.utils import timezone

from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import OrganisationKind
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.advisory.models import Advice, AdviceKind
from bruecken.demo.accounts import COORDINATORS
from bruecken.demo.advisory import create_demo_advisory
from bruecken.events.models import Event
from bruecken.events.tests.factories import EventFactory
from bruecken.places.models import Municipality
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.programs.tests.factories import ProgramFactory


@pytest.mark.django_db
def test_demo_advice_at_the_open_seminar_through_the_services(reference_data):
    bonn = Municipality.objects.get(ags=COORDINATORS["bonn"])
    leipzig = Municipality.objects.get(ags=COORDINATORS["leipzig"])
    for municipality in (bonn, leipzig):
        OrganisationFactory(
            municipality=municipality, kind=OrganisationKind.MIGRANT_ORGANISATION, is_demo=True
        )
    facilitator = user_with_role(Role.FACILITATOR, municipality=bonn)
    program = ProgramFactory()
    seminar = EventFactory(
        process=None,
        program=program,
        kind=WorkshopKind.SEMINAR,
        admission=Admission.INVITED,
        starts_at=timezone.now() - datetime.timedelta(days=21),
    )
    # Still to come (open for registration, as in the demo): no advice can be given there yet.
    EventFactory(
        process=None,
        program=program,
        kind=WorkshopKind.SEMINAR,
        admission=Admission.OPEN,
        starts_at=timezone.now() + datetime.timedelta(days=21),
    )
    recorded = create_demo_advisory()
    assert len(recorded) == 3
    at_seminar = Advice.objects.filter(event=seminar)
    assert at_seminar.count() == 2
    assert {a.organisation.municipality for a in at_seminar} == {bonn, leipzig}
    assert Advice.objects.filter(event__isnull=False).count() == 2
    for advice in Advice.objects.all():
        assert advice.given_on < timezone.localdate()
        assert advice.advisor == facilitator
        assert advice.next_steps
        assert advice.follow_up_on
        assert AuditEntry.objects.filter(
            object_type="advisory.advice", object_id=str(advice.pk)
        ).exists()
    # One consultation whose follow-up is overdue, so that the reminders have something to do.
    assert Advice.objects.get(kind=AdviceKind.CONSULTATION).follow_up_on < timezone.localdate()
    assert create_demo_advisory() == []
    assert Advice.objects.count() == 3


@pytest.mark.django_db
def test_the_demo_programs_advice_lies_in_the_past(reference_data):
    from bruecken.demo.program import create_demo_program
    from bruecken.demo.registry import create_demo_data

    create_demo_data()
    create_demo_program()
    recorded = create_demo_advisory()
    today = timezone.localdate()
    at_seminar = [advice for advice in recorded if advice.event is not None]
    assert len(at_seminar) == 2
    for advice in recorded:
        assert advice.given_on < today
        if advice.event is not None:
            assert advice.event.starts_at < timezone.now()
            assert timezone.localtime(advice.event.starts_at).date() == advice.given_on
    # The open seminar still to come is left for registrations.
    assert Event.objects.filter(
        kind=WorkshopKind.SEMINAR, admission=Admission.OPEN, starts_at__gt=timezone.now()
    ).exists()
