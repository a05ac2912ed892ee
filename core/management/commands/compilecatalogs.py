"""Compiles the translation catalogs (locale/*/LC_MESSAGES/*.po) with Babel.

The compiled ``.mo`` files are committed: every way the site starts (``bin/run``,
gunicorn from a clone, a wheel) serves the translations without a build step, and the
runtime does not need Babel. After editing a ``.po`` file, run this command and commit
both; ``tests/core/test_i18n.py`` fails while a committed ``.mo`` is out of date.

Django's own compilemessages needs GNU gettext installed; this needs only Python (Babel,
in the ``test`` extra).
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def compiled(po_path: Path) -> bytes:
    """The ``.mo`` bytes of one catalog (Babel's output is deterministic)."""
    # Imported here: Babel is a development tool, absent from a runtime-only install.
    try:
        from babel.messages.mofile import write_mo  # noqa: PLC0415
        from babel.messages.pofile import read_po  # noqa: PLC0415
    except ImportError as exc:  # a runtime-only install
        raise CommandError("compilecatalogs needs Babel: pip install -e '.[test]'") from exc
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=po_path.parent.parent.name)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def catalogs() -> list[Path]:
    return sorted(
        p for base in settings.LOCALE_PATHS for p in Path(base).glob("*/LC_MESSAGES/*.po")
    )


class Command(BaseCommand):
    help = "Compile .po translation catalogs to the committed .mo files (pure Python, via Babel)."

    def handle(self, *args, **options):
        count = 0
        for po_path in catalogs():
            mo_path = po_path.with_suffix(".mo")
            data = compiled(po_path)
            if mo_path.exists() and mo_path.read_bytes() == data:
                continue
            mo_path.write_bytes(data)
            count += 1
        self.stdout.write(f"Compiled {count} catalog(s).")
