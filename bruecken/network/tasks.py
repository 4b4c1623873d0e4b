from django_tasks import task


@task()
def compute_snapshots(program_id, municipality_id, kinds, groups, days, version):
    """Measure and store the figures of a large network on the given days (ISO dates), for the
    content version the page saw. Nothing happens for a scope that no longer exists; a newer
    version computed meanwhile is left alone (its page asks again). Returns the number of days
    stored."""
    from bruecken.places.models import Municipality
    from bruecken.programs.models import Program
    from bruecken.website.cache import current_version

    from .graph import load_network, restricted
    from .scopes import Scope
    from .snapshots import compute, parse_days, snapshot_scope

    if version != current_version():
        return 0
    program = Program.objects.filter(pk=program_id).first() if program_id else None
    municipality = (
        Municipality.objects.filter(pk=municipality_id).first() if municipality_id else None
    )
    if (program_id and program is None) or (municipality_id and municipality is None):
        return 0
    scope = Scope(program=program, municipality=municipality)
    network, _positions = restricted(
        load_network(program=program, municipality=municipality), None, groups
    )
    days = parse_days(days)
    compute(snapshot_scope(scope, kinds, groups), version, network, days, kinds)
    return len(days)
