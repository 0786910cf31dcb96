import os

from django.core.management.base import BaseCommand, CommandError

from audit.roles import app_role_problems, db_roles_setup


class Command(BaseCommand):
    help = (
        "Create or correct the database's two roles: the owner, which runs migrations, and the "
        "application's, which may only read and add to the audit trail and consent records. "
        "Run as a superuser after every migrate; it is safe to run again. Passwords are read "
        "from DATABASE_OWNER_PASSWORD and DATABASE_APP_PASSWORD when set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="privacy_office_owner")
        parser.add_argument("--app", default="privacy_office_app")
        parser.add_argument(
            "--createdb",
            action="store_true",
            help="Let the owner create databases (CI and the embedded server: the test runner "
            "creates its database as the owner). Not needed in production.",
        )
        parser.add_argument(
            "--check", action="store_true", help="Only report what the app role could rewrite."
        )

    def handle(self, *args, owner, app, check, createdb, **options):
        if not check:
            db_roles_setup(
                owner=owner,
                app=app,
                owner_password=os.environ.get("DATABASE_OWNER_PASSWORD") or None,
                app_password=os.environ.get("DATABASE_APP_PASSWORD") or None,
                owner_createdb=createdb,
            )
        problems = app_role_problems(app=app, owner=owner)
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"{app} may read and add to the audit trail and consent records, and cannot "
                f"change, delete or empty them; {owner} owns the tables and runs migrations."
            )
        )
