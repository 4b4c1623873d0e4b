from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bruecken.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from bruecken.demo.advisory import create_demo_advisory
from bruecken.demo.api import DEMO_TOKEN, create_demo_api
from bruecken.demo.guide import create_demo_guide
from bruecken.demo.partnerships import create_demo_partnerships
from bruecken.demo.program import create_demo_program, demo_program_exists
from bruecken.demo.registry import create_demo_data, demo_exists
from bruecken.demo.website import create_demo_website, demo_website_exists


class Command(BaseCommand):
    help = (
        "Load reference data and the fictional demo dataset, and create one demo account per "
        "role (password 'demo'). Only with DEBUG on. Safe to run again: nothing is duplicated."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo accounts have a known password: they are only created with DEBUG on."
            )
        call_command("load_reference", stdout=self.stdout)
        # The demo program office (made first) enters the demo data through the services.
        if demo_exists():
            self.stdout.write("Demo data already present; left as it is.")
        else:
            organisations = create_demo_data()
            self.stdout.write(f"Demo data created: {len(organisations)} organisations.")
        if demo_program_exists():
            self.stdout.write("Demo program already present; left as it is.")
        else:
            program = create_demo_program()
            self.stdout.write(f"Demo program created: {program.name}.")
        if demo_website_exists():
            self.stdout.write("Demo website content already present; left as it is.")
        else:
            news, pages = create_demo_website()
            self.stdout.write(f"Demo website content created: {news} news, {pages} pages.")
        # Idempotent: the partnership profiles are set, not added.
        partnerships = create_demo_partnerships()
        self.stdout.write(f"Demo partnership profiles: {len(partnerships)}.")
        # After the registry: the representative speaks for a demo organisation, the participant
        # is a demo person.
        accounts = create_demo_accounts()
        # After the accounts: the demo recommendations are proposed by the demo facilitator,
        # the demo token belongs to the Bonn coordinator.
        create_demo_guide()
        create_demo_api()
        # After the accounts: the Bonn facilitator is the advisor.
        advice = create_demo_advisory()
        if advice:
            self.stdout.write(f"Demo advice recorded: {len(advice)}.")
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password: {DEMO_PASSWORD}):"))
        for email, role in accounts:
            self.stdout.write(f"  {email:42} {role}")
        self.stdout.write(f"\nAPI token of the Bonn coordinator: {DEMO_TOKEN}")
