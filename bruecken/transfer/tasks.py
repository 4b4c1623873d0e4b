from django_tasks import task


@task()
def check_import_task(run_id):
    """The dry run of a large file, in the background."""
    from . import services

    services.run_check(run_id)


@task()
def commit_import_task(run_id):
    """The import of a large file, in the background."""
    from . import services

    services.run_commit(run_id)
