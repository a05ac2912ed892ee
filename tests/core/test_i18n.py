"""Three languages: English at the contract's paths, Spanish and French under a prefix."""

import datetime
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_python
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize
from model_bakery import baker

from commitments.models import Commitment, RelocationAgreement, Transfer
from core.management.commands.compilecatalogs import catalogs, compiled
from forums.models import OutcomeDocument

pytestmark = pytest.mark.django_db


def _html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_the_language_is_in_the_url_not_in_the_browser_or_a_cookie(client):
    client.cookies["django_language"] = "fr"
    english = client.get("/cities/", HTTP_ACCEPT_LANGUAGE="es")
    spanish = client.get("/es/cities/", HTTP_ACCEPT_LANGUAGE="fr")
    french = client.get("/fr/cities/")

    assert (english.status_code, spanish.status_code, french.status_code) == (200, 200, 200)
    assert [_html_lang(r) for r in (english, spanish, french)] == ["en", "es", "fr"]
    assert spanish["Content-Language"] == "es"


def test_the_switcher_links_to_the_same_page_in_each_language(client):
    html = client.get("/commitments/?status=planned&status=achieved").content.decode()

    switcher = html[html.index('class="language-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    links = dict(re.findall(r'<a href="([^"]+)" lang="(\w+)"', switcher))
    assert links == {
        "/commitments/?status=planned&amp;status=achieved": "en",
        "/es/commitments/?status=planned&amp;status=achieved": "es",
        "/fr/commitments/?status=planned&amp;status=achieved": "fr",
    }
    assert 'aria-current="true">English</a>' in switcher
    # Plain links: no form, so no CSRF token that would make the page private.
    assert "csrfmiddlewaretoken" not in html


def test_links_on_a_translated_page_stay_in_its_language(client):
    html = client.get("/es/").content.decode()
    nav = html[html.index('class="site-nav"') :]
    assert 'href="/es/cities/"' in nav
    assert 'href="/es/commitments/"' in nav
    assert '<link rel="alternate" hreflang="fr" href="/fr/">' in html


def test_the_api_is_not_translated(client):
    assert client.get("/es/api/docs/").status_code == 404
    assert client.get("/api/docs/").status_code == 200


CATALOGS = catalogs()
PLACEHOLDER = re.compile(r"%\((\w+)\)[-.\d]*[sd]|%[sd%]")


def test_there_is_a_catalog_for_each_language_but_english():
    assert [path.parent.parent.name for path in CATALOGS] == ["es", "fr"]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_every_message_is_translated_with_the_same_placeholders(path):
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=path.parent.parent.name)
    untranslated, fuzzy, broken = [], [], []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(ids[0])
        if message.fuzzy:
            fuzzy.append(ids[0])
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            # A singular form may leave the count out ("one commitment").
            if string and not set(PLACEHOLDER.findall(string)) <= wanted | {""}:
                broken.append((ids[0], string))
            if string and not message.pluralizable and set(PLACEHOLDER.findall(string)) != wanted:
                broken.append((ids[0], string))
    assert len(catalog) > 500
    assert untranslated == [] and fuzzy == [] and broken == []


ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "gettext_lazy": None, "ngettext_lazy": None, "pgettext_lazy": None}


def marked_messages():
    """(context, message ids, file) of every message the apps' code and templates mark
    for translation, found as ``makemessages`` finds them (a template through Django's
    ``templatize``), with Babel instead of GNU gettext."""
    for path in sorted(ROOT.rglob("*")):
        top = path.relative_to(ROOT).parts[0]
        if top in (".venv", ".git", "tests", "bench", "node_modules") or not path.is_file():
            continue
        template = path.suffix in (".html", ".txt") and "templates" in path.parts
        if path.suffix == ".py":
            source = path.read_text(encoding="utf-8")
        elif template:
            # In brackets, so that the tokenizer takes no text for an indentation.
            source = "(\n" + templatize(path.read_text(encoding="utf-8"), origin=str(path)) + "\n)"
        else:
            continue
        found = extract_python(io.BytesIO(source.encode()), KEYWORDS, [], {})
        for _line, function, message, _comments in found:
            parts = (message,) if isinstance(message, str) else message
            context = parts[0] if function.startswith(("pgettext", "npgettext")) else None
            msgid = parts[1] if context else parts[0]
            if msgid:
                # ``templatize`` doubles every ``%``: the catalog keeps one for a
                # ``{% translate %}``, two for a ``{% blocktranslate %}``.
                ids = (msgid, msgid.replace("%%", "%")) if template else (msgid,)
                yield context, ids, path.relative_to(ROOT)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_every_message_the_site_shows_is_in_the_catalog(path):
    """A message marked in the code but never added to a catalog reaches a Spanish or
    French reader in English."""
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=path.parent.parent.name)
    missing = [
        f"{where}: {ids[0]}"
        for context, ids, where in marked_messages()
        if not any(catalog.get(msgid, context=context) for msgid in ids)
    ]
    assert len(set(marked_messages())) > 1000
    assert missing == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parent.parent.name)
def test_the_committed_compiled_catalog_is_the_catalog(path):
    """The site serves the committed .mo files (no build step, no Babel at run time), so
    an edit to a .po file must come with its compiled file."""
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run manage.py compilecatalogs"
    assert mo_path.read_bytes() == compiled(path), (
        f"{mo_path} is out of date with {path.name}: run manage.py compilecatalogs and commit"
    )


def test_a_spanish_page_is_in_spanish(client, barcelona, athens):
    barcelona.latitude, barcelona.longitude = 41.4, 2.2
    barcelona.save()
    agreement = baker.make(
        RelocationAgreement,
        origin=athens,
        destination=barcelona,
        people_pledged=1500,
        signed_on=datetime.date(2016, 1, 1),
    )
    # Confirmed: only confirmed transfers count as relocated (issue 10).
    baker.make(
        Transfer,
        agreement=agreement,
        people=1200,
        date=datetime.date(2017, 5, 1),
        reported_by_city=agreement.origin,
        confirmed_at=datetime.datetime(2017, 5, 2, tzinfo=datetime.UTC),
    )

    home = client.get("/es/").content.decode()
    detail = client.get(f"/es/relocations/{agreement.pk}/").content.decode()

    assert "<h1>La red de un vistazo</h1>" in home
    assert '<a href="/es/cities/">Ciudades</a>' in home
    assert "Mapa de las ciudades de la red" in home
    assert "Saltar al contenido" in home
    # Dates and numbers in the reader's format.
    assert "1 de mayo de 2017" in detail
    assert "Al 1 de mayo de 2017 se había reubicado a 1\xa0200 de las 1\xa0500 personas" in detail
    assert "80\xa0%" in detail


def test_record_text_keeps_its_own_language(client, barcelona):
    commitment = baker.make(
        Commitment,
        city=barcelona,
        title="Open a welcome office",
        description="In English.",
        publication_state=Commitment.PublicationState.PUBLISHED,
    )
    document = baker.make(
        OutcomeDocument,
        slug="agenda-local",
        title="Agenda local de Quito",
        kind="agenda",
        summary="Resumen.",
        full_text="Texto completo.",
        language="es",
    )

    page = client.get(f"/fr/commitments/{commitment.pk}/").content.decode()
    outcome = client.get(f"/fr/outcomes/{document.slug}/").content.decode()

    assert '<html lang="fr"' in page
    assert '<h1 lang="en">Open a welcome office</h1>' in page
    assert '<div class="prose" lang="en"><p>In English.</p></div>' in page
    assert '<h1 lang="es">Agenda local de Quito</h1>' in outcome
    assert 'lang="es"><p>Texto completo.</p>' in outcome
