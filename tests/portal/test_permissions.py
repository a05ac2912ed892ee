"""Who may do what in the portal: every path × persona × GET and POST.

Each row says the status each persona gets. A refused request (302 to the login
page, 403, 404, 405, or a form answered again with an error) must change nothing,
and no response may carry the title of a city's record to staff of another city.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from model_bakery import baker

from commitments.models import Commitment, ProgressUpdate, RelocationAgreement, Transfer
from portal import urls as portal_urls

PERSONAS = ["anonymous", "barcelona_staff", "quito_staff", "curator"]

BARCELONA_TITLES = [
    "Barcelona secret draft on reception",
    "Barcelona submitted plan for shelters",
    "Barcelona published housing plan",
    "Barcelona proposed new housing title",
    "Barcelona secret progress note",
]
QUITO_TITLES = ["Quito secret draft on labour mobility", "Quito submitted language classes"]


@pytest.fixture
def world(barcelona, quito, athens, barcelona_staff, quito_staff):
    states = Commitment.PublicationState
    draft = baker.make(Commitment, city=barcelona, title=BARCELONA_TITLES[0])
    submitted = baker.make(
        Commitment, city=barcelona, title=BARCELONA_TITLES[1], publication_state=states.SUBMITTED
    )
    published = baker.make(
        Commitment,
        city=barcelona,
        title=BARCELONA_TITLES[2],
        publication_state=states.PUBLISHED,
        pending_changes={"title": BARCELONA_TITLES[3]},
    )
    update = ProgressUpdate.objects.create(
        commitment=published, date=datetime.date(2024, 1, 10), text=BARCELONA_TITLES[4], percent=20
    )
    quito_draft = baker.make(Commitment, city=quito, title=QUITO_TITLES[0])
    baker.make(Commitment, city=quito, title=QUITO_TITLES[1], publication_state=states.SUBMITTED)
    agreement = baker.make(
        RelocationAgreement,
        origin=athens,
        destination=barcelona,
        people_pledged=100,
        signed_on=datetime.date(2016, 3, 1),
    )
    transfer = Transfer.objects.create(
        agreement=agreement, date=datetime.date(2016, 6, 1), people=10, reported_by_city=athens
    )
    return {
        "barcelona": barcelona,
        "draft": draft,
        "submitted": submitted,
        "published": published,
        "update": update,
        "quito_draft": quito_draft,
        "agreement": agreement,
        "transfer": transfer,
    }


def _commitment_form(w, key, title):
    commitment = w[key]
    return {
        "title": title,
        "status": "planned",
        "progress": "0",
        "loaded_version": commitment.version,
    }


# name: (url name, record in the world, POST data)
ROUTES = {
    "dashboard": ("portal:dashboard", None, lambda w: {}),
    "create": (
        "portal:commitment-create",
        None,
        lambda w: {
            "city": w["barcelona"].pk,
            "title": "Made by a POST",
            "status": "planned",
            "progress": "0",
        },
    ),
    "edit-draft": (
        "portal:commitment-edit",
        "draft",
        lambda w: _commitment_form(w, "draft", "Edited by a POST"),
    ),
    "edit-published": (
        "portal:commitment-edit",
        "published",
        lambda w: _commitment_form(w, "published", "Edited by a POST"),
    ),
    "edit-quito-draft": (
        "portal:commitment-edit",
        "quito_draft",
        lambda w: _commitment_form(w, "quito_draft", "Edited by a POST"),
    ),
    "submit": ("portal:commitment-submit", "draft", lambda w: {}),
    "update": (
        "portal:update-create",
        "published",
        lambda w: {"date": "2024-02-01", "text": "Posted update", "percent": "30"},
    ),
    "review": ("portal:commitment-review", "submitted", lambda w: {}),
    "publish": (
        "portal:commitment-publish",
        "submitted",
        lambda w: {"version": w["submitted"].version},
    ),
    "return": (
        "portal:commitment-return",
        "submitted",
        lambda w: {"comment": "Add dates.", "version": w["submitted"].version},
    ),
    "accept": (
        "portal:changes-accept",
        "published",
        lambda w: {"version": w["published"].version},
    ),
    "reject": (
        "portal:changes-reject",
        "published",
        lambda w: {"comment": "No.", "version": w["published"].version},
    ),
    "verify": ("portal:update-verify", "update", lambda w: {}),
    "transfer": (
        "portal:transfer-create",
        "agreement",
        lambda w: {"reported_by_city": w["barcelona"].pk, "date": "2016-07-01", "people": "5"},
    ),
    "confirm": ("portal:transfer-confirm", "transfer", lambda w: {}),
    # The preview of an import: it writes nothing, whoever sends it.
    "import": (
        "portal:commitment-import",
        None,
        lambda w: {
            "csv_file": SimpleUploadedFile(
                "c.csv", f"id,city,title\n{w['draft'].pk},barcelona,Made by a POST\n".encode()
            )
        },
    ),
}

# (route, method): statuses for anonymous, Barcelona staff, Quito staff, curator.
# 200 on a POST means the form came back with an error (a tampered city, or a
# curator reporting for a city they do not work for).
MATRIX = {
    ("dashboard", "GET"): (302, 200, 200, 200),
    ("dashboard", "POST"): (302, 405, 405, 405),
    ("create", "GET"): (302, 200, 200, 200),
    ("create", "POST"): (302, 302, 200, 302),
    ("edit-draft", "GET"): (302, 200, 404, 200),
    ("edit-draft", "POST"): (302, 302, 404, 302),
    ("edit-published", "GET"): (302, 200, 404, 200),
    ("edit-published", "POST"): (302, 302, 404, 302),
    ("edit-quito-draft", "GET"): (302, 404, 200, 200),
    ("edit-quito-draft", "POST"): (302, 404, 302, 302),
    ("submit", "GET"): (302, 405, 405, 405),
    ("submit", "POST"): (302, 302, 404, 302),
    ("update", "GET"): (302, 200, 404, 200),
    ("update", "POST"): (302, 302, 404, 302),
    ("review", "GET"): (302, 403, 403, 200),
    ("review", "POST"): (302, 403, 403, 405),
    ("publish", "GET"): (302, 403, 403, 405),
    ("publish", "POST"): (302, 403, 403, 302),
    ("return", "GET"): (302, 403, 403, 405),
    ("return", "POST"): (302, 403, 403, 302),
    ("accept", "GET"): (302, 403, 403, 405),
    ("accept", "POST"): (302, 403, 403, 302),
    ("reject", "GET"): (302, 403, 403, 405),
    ("reject", "POST"): (302, 403, 403, 302),
    ("verify", "GET"): (302, 403, 403, 405),
    ("verify", "POST"): (302, 403, 403, 302),
    ("transfer", "GET"): (302, 200, 404, 200),
    ("transfer", "POST"): (302, 302, 404, 200),
    ("confirm", "GET"): (302, 405, 405, 405),
    ("confirm", "POST"): (302, 302, 404, 302),
    ("import", "GET"): (302, 200, 200, 403),
    ("import", "POST"): (302, 200, 200, 403),
}

# Allowed requests that change nothing by design: the curator cannot confirm for a city.
UNCHANGED_ON_SUCCESS = {("confirm", "POST", "curator")}


def _snapshot():
    """Everything a portal request could change."""
    return {
        "commitments": sorted(
            Commitment.objects.values_list(
                "pk", "title", "publication_state", "pending_changes", "version", "progress"
            )
        ),
        "updates": sorted(ProgressUpdate.objects.values_list("pk", "verified", "text")),
        "transfers": sorted(Transfer.objects.values_list("pk", "people", "confirmed_at")),
    }


def test_the_matrix_covers_every_portal_path():
    portal_names = {f"portal:{pattern.name}" for pattern in portal_urls.urlpatterns}
    assert portal_names == {url_name for url_name, _, _ in ROUTES.values()}
    for route in ROUTES:
        assert (route, "GET") in MATRIX and (route, "POST") in MATRIX


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, request, world, curator, persona, route, method):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    url_name, record, data = ROUTES[route]
    url = reverse(url_name, args=[world[record].pk] if record else [])
    expected = MATRIX[(route, method)][PERSONAS.index(persona)]
    before = _snapshot()

    response = client.get(url) if method == "GET" else client.post(url, data(world))

    assert response.status_code == expected, response.content[:500]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))

    after = _snapshot()
    allowed_write = method == "POST" and expected == 302 and persona != "anonymous"
    if allowed_write and (route, method, persona) not in UNCHANGED_ON_SUCCESS:
        assert after != before or Commitment.objects.filter(title="Made by a POST").exists()
    else:
        assert after == before
        assert not Commitment.objects.filter(title="Made by a POST").exists()

    body = response.content.decode()
    if persona == "quito_staff":
        assert not [t for t in BARCELONA_TITLES if t in body]
    if persona == "barcelona_staff":
        assert not [t for t in QUITO_TITLES if t in body]


@pytest.mark.parametrize("persona", ["barcelona_staff", "quito_staff"])
def test_no_other_citys_titles_on_any_page_followed_after_a_post(client, request, world, persona):
    """Following the redirects after each allowed POST shows no other city's record."""
    client.force_login(request.getfixturevalue(persona))
    others = QUITO_TITLES if persona == "barcelona_staff" else BARCELONA_TITLES
    for route, (url_name, record, data) in ROUTES.items():
        url = reverse(url_name, args=[world[record].pk] if record else [])
        response = client.post(url, data(world), follow=True)
        body = response.content.decode()
        assert not [t for t in others if t in body], route


def test_staff_cannot_tamper_with_the_city_when_creating(client, quito_staff, barcelona):
    client.force_login(quito_staff)
    response = client.post(
        reverse("portal:commitment-create"),
        {
            "city": barcelona.pk,
            "title": "Planted in Barcelona",
            "status": "planned",
            "progress": 0,
        },
    )
    assert response.status_code == 200
    assert "Choose one of the cities you work for." in response.content.decode()
    assert response.context["form"].errors["city"]
    assert not Commitment.objects.filter(title="Planted in Barcelona").exists()


def test_a_city_field_posted_to_the_edit_page_is_ignored(
    client, barcelona_staff, barcelona, quito, barcelona_draft
):
    client.force_login(barcelona_staff)
    response = client.post(
        reverse("portal:commitment-edit", args=[barcelona_draft.pk]),
        {
            "city": quito.pk,
            "title": "Still in Barcelona",
            "status": "planned",
            "progress": 0,
            "loaded_version": barcelona_draft.version,
        },
    )
    assert response.status_code == 302
    barcelona_draft.refresh_from_db()
    assert barcelona_draft.title == "Still in Barcelona"
    assert barcelona_draft.city == barcelona


def test_staff_cannot_report_a_transfer_for_the_other_party_city(
    client, barcelona_staff, athens, athens_to_barcelona
):
    client.force_login(barcelona_staff)
    response = client.post(
        reverse("portal:transfer-create", args=[athens_to_barcelona.pk]),
        {"reported_by_city": athens.pk, "date": "2016-07-01", "people": 5},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reported_by_city"] == [
        "Choose your own city on this agreement."
    ]
    assert not athens_to_barcelona.transfers.exists()


def test_every_portal_form_needs_a_csrf_token(world, barcelona_staff, curator):
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(barcelona_staff)
    before = _snapshot()
    for route, (url_name, record, data) in ROUTES.items():
        url = reverse(url_name, args=[world[record].pk] if record else [])
        assert staff.post(url, data(world)).status_code == 403, route
    assert _snapshot() == before
    assert not Commitment.objects.filter(title="Made by a POST").exists()


def test_the_pages_carry_a_csrf_token_in_every_form(client, world, barcelona_staff):
    client.force_login(barcelona_staff)
    for route in ["dashboard", "create", "edit-draft", "edit-published", "update", "transfer"]:
        url_name, record, _ = ROUTES[route]
        body = client.get(reverse(url_name, args=[world[record].pk] if record else [])).content
        body = body.decode()
        assert body.count("<form") >= 1
        # The site search form is a GET form; every POST form carries the token.
        assert body.count('method="post"') == body.count("csrfmiddlewaretoken"), route


# The admin: the curators' room ------------------------------------------------------
#
# Every admin URL, enumerated from the admin site's registry: city staff get the
# admin's login page and nothing else (with or without a stray ``is_staff``), the
# anonymous visitor too; the curator gets every page.

ADMIN_PERSONAS = ["anonymous", "barcelona_staff", "flagged_barcelona_staff", "curator"]
# Admin URLs that are not pages of a record or a list, each with how it is reached.
ADMIN_SITE_URLS: dict[str, list[str]] = {
    "index": [],
    "password_change": [],
    "password_change_done": [],
    "jsi18n": [],
}
# Not requested: the login page is the answer itself; logging out is a POST that
# every persona may make.
ADMIN_SITE_SKIPPED = {"login", "logout"}
# Pages the curator is refused by design: curators view accounts but do not change
# them (see core.migrations.0001_groups); the import is applied by a POST only.
CURATOR_REFUSED = {"auth_user_add": 403, "auth_user_delete": 403, "auth_user_password_change": 403}
# The mail queue is written by the site and the sender only (core.mail).
CURATOR_REFUSED |= {"core_outgoingemail_add": 403, "core_outgoingemail_delete": 403}
# A data release is written once and cited: nobody deletes one (opendata.admin).
CURATOR_REFUSED |= {"opendata_release_delete": 403}
CURATOR_POST_ONLY = {"process_import"}
# The lockout records (django-axes) and the groups are the superusers' alone.
NOT_CURATORS = ("axes_", "auth_group_")


def _admin_record(model, world, curator):
    from django.contrib.auth import get_user_model

    from cities.models import CityStaffMembership
    from commitments.models import Commitment as C

    known = {
        C: world["published"],
        ProgressUpdate: world["update"],
        RelocationAgreement: world["agreement"],
        Transfer: world["transfer"],
        get_user_model(): curator,
    }
    if model in known:
        return known[model]
    if model is CityStaffMembership:
        return CityStaffMembership.objects.first()
    if model._meta.model_name == "city":
        return world["barcelona"]
    if model._meta.model_name == "figureclaim":
        # A figure is about one forum or one document, with its source (constraints).
        forum = baker.make("forums.Forum", host_city=world["barcelona"])
        return baker.make(model, forum=forum, outcome_document=None, source_citation="A source")
    return model._default_manager.first() or baker.make(model)


def _admin_urls(world, curator):
    """(url name, view, url) for every admin URL of every registered model, and the
    site's own."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    urls = [(name, name, reverse(f"admin:{name}")) for name in ADMIN_SITE_URLS]
    for label in sorted({model._meta.app_label for model in admin.site._registry}):
        url = reverse("admin:app_list", kwargs={"app_label": label})
        urls.append((f"{label}_app_list", "app_list", url))
    for model, model_admin in admin.site._registry.items():
        obj = _admin_record(model, world, curator)
        opts = model._meta
        history = getattr(model, "history", None)
        version = history.filter(**{opts.pk.attname: obj.pk}).first() if history else None
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue
            view = pattern.name.removeprefix(f"{opts.app_label}_{opts.model_name}_")
            regex = pattern.pattern.regex
            # Named groups (Django's) or positional ones (simple-history's restore).
            params = list(regex.groupindex) or ["object_id", "version_id"][: regex.groups]
            if "version_id" in params and version is None:
                continue
            values = [version.history_id if p == "version_id" else obj.pk for p in params]
            if regex.groupindex:
                kwargs = dict(zip(params, values, strict=True))
                url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
            else:
                url = reverse(f"admin:{pattern.name}", args=values)
            urls.append((pattern.name, view, url))
        query = f"app_label={opts.app_label}&model_name={opts.model_name}"
        for field_name in model_admin.autocomplete_fields:
            url = reverse("admin:autocomplete") + f"?{query}&field_name={field_name}"
            urls.append(("autocomplete", "autocomplete", url))
        if hasattr(obj, "get_absolute_url"):
            content_type = ContentType.objects.get_for_model(model)
            url = reverse("admin:view_on_site", args=[content_type.pk, obj.pk])
            urls.append(("view_on_site", "view_on_site", url))
    return urls


def test_the_admin_matrix_covers_every_admin_url(world, curator):
    from django.contrib import admin

    covered = {name for name, _view, _url in _admin_urls(world, curator)}
    covered |= {view for _name, view, _url in _admin_urls(world, curator)}
    site_names = {p.name for p in admin.site.get_urls() if getattr(p, "name", None)}
    assert not site_names - ADMIN_SITE_SKIPPED - covered
    for model_admin in admin.site._registry.values():
        for pattern in model_admin.get_urls():
            if pattern.name:
                assert pattern.name in covered, pattern.name


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_admin_permission_matrix(client, request, world, curator, persona):
    from django.contrib.auth import get_user_model

    from tests.curation import ensure_groups

    ensure_groups()
    user = None
    if persona == "flagged_barcelona_staff":
        user = request.getfixturevalue("barcelona_staff")
        user.is_staff = True
        user.save()
    elif persona != "anonymous":
        user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    urls = _admin_urls(world, curator)
    assert len(urls) > 100
    before = _snapshot()
    accounts = get_user_model().objects.order_by("pk").values_list("pk", "is_staff", "password")
    accounts_before = list(accounts)
    login = reverse("admin:login")
    for name, view, url in urls:
        if persona == "curator":
            response = client.get(url)
            expected = 200
            if view in CURATOR_POST_ONLY:
                expected = 405
            elif view == "view_on_site":
                expected = 302  # to the record's public page
            expected = CURATOR_REFUSED.get(name, expected)
            if name.startswith(NOT_CURATORS):
                expected = 403
            if name == "axes_app_list":
                expected = 404  # no model of the app is theirs: the app is not shown
            assert response.status_code == expected, (url, response.status_code)
            continue
        for response in (client.get(url), client.post(url, {"post": "yes"})):
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith(login), url
    if persona != "curator":
        assert _snapshot() == before
        assert list(accounts) == accounts_before
