"""The `bruecken` command: Django's manage.py plus what users need day to day.

bruecken demo     load reference data and the demo dataset, create demo accounts
bruecken serve    serve the app (development server when DEBUG is on, gunicorn otherwise)
bruecken <any manage.py command>
"""

import os
import sys


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bruecken.settings")
    command = argv[1] if len(argv) > 1 else "help"
    if command == "serve":
        return serve(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


def serve(args):
    import django
    from django.conf import settings

    django.setup()
    address = args[0] if args else os.environ.get("BRUECKEN_ADDRESS", "127.0.0.1:8000")
    if settings.DEBUG:
        from django.core.management import call_command

        call_command("runserver", address)
        return 0
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "--bind", address, "--workers", os.environ.get("WEB_WORKERS", "2")]
    sys.argv.append("bruecken.wsgi:application")
    return run()
