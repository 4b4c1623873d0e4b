from django_tasks import task


@task()
def build_edition_task(edition_id):
    """Build a guideline edition's files in the worker (see services.build_edition)."""
    from .services import build_edition

    return build_edition(edition_id)
