from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.people_import import people_import_apply, people_import_preview


class Command(BaseCommand):
    help = (
        "Import people from a CSV file (the same format as the people page). Every row is "
        "checked first; if any has an error, nothing is written. Idempotent by e-mail address."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        preview = people_import_preview(data=data)
        for notice in preview.notices:
            self.stdout.write(notice)
        if not preview.ok:
            for error in preview.errors:
                self.stderr.write(error)
            for row in preview.error_rows:
                for error in row.errors:
                    self.stderr.write(f"line {row.line}: {error}")
            raise CommandError(
                f"Nothing imported: {len(preview.errors) + len(preview.error_rows)} problem(s)."
            )
        summary = (
            f"{preview.count_create} to add, {preview.count_update} to update, "
            f"{preview.count_unchanged} unchanged"
        )
        if dry_run:
            self.stdout.write(f"Dry run, nothing written: {summary}.")
            return
        with tqdm(total=len(preview.rows), unit="person", file=self.stderr) as bar:
            try:
                result = people_import_apply(data=data, on_row=lambda row: bar.update(1))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(result.rows)} rows: {result.count_create} added, "
                f"{result.count_update} updated, {result.count_unchanged} unchanged."
            )
        )
