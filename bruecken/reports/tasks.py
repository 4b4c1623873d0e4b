from django_tasks import task


@task()
def build_process_document(build_id):
    """Build the PDF of one requested process documentation (`services.run_build`)."""
    from .services import run_build

    return run_build(build_id)
