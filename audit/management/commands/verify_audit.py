from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.checkpoints import checkpoint_path
from audit.signals import trail_verified
from audit.verification import audit_trail_verify
from privacy_office import clock


class Command(BaseCommand):
    help = (
        "Check the audit trail: each event's signature and link, gaps in its numbering, and "
        "the signed checkpoints written outside the database (deleted, emptied or "
        "recomputed trails)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoints",
            action="store_true",
            help="Check the chain only, not the checkpoint file.",
        )

    def handle(self, *args, **options):
        report = audit_trail_verify(checkpoints=not options["no_checkpoints"])
        trail_verified.send(Command, report=report, now=clock.now())
        if not options["no_checkpoints"]:
            self.stdout.write(self._checkpoint_summary(report))
        if not report.intact:
            for problem in report.problems:
                self.stderr.write(problem.message)
            raise CommandError(
                _("The audit trail is broken: %(count)s findings; %(checked)s events checked.")
                % {"count": len(report.problems), "checked": report.checked}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("The audit trail is intact: %(count)s events.") % {"count": report.checked}
            )
        )

    def _checkpoint_summary(self, report) -> str:
        if report.checkpoint_file_missing:
            return _(
                "No checkpoint file at %(path)s: the newest events cannot be checked against a "
                "record outside the database."
            ) % {"path": checkpoint_path()}
        if not report.checkpoints:
            return _("The checkpoint file %(path)s holds no valid checkpoint.") % {
                "path": checkpoint_path()
            }
        newest = report.checkpoints[-1]
        return _(
            "Checked against %(count)s checkpoints in %(path)s; the newest, of %(at)s, covers "
            "events up to #%(seq)s."
        ) % {
            "count": len(report.checkpoints),
            "path": checkpoint_path(),
            "at": newest.at.isoformat(sep=" ", timespec="seconds"),
            "seq": newest.last_seq or 0,
        }
