"""Saves that race: several people press Save at the same moment, all from the same
loaded version, each on their own database connection. Exactly one is saved; every
other person gets the conflict form; no change reported as saved vanishes.

The threads go through the real request path (the portal's edit view, the admin's
change view), so what is raced is what a person does. Before the version was compared
in the statement that writes, the portal's draft edit told 180 saves "saved" in 50
trials and lost 175 of them (published: 184 and 134). The admin lost none, thanks to a
row lock its request transaction held, but left that to the view's transaction.
"""

import itertools
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment
from core.models import EditConflict
from tests import builders
from tests.curation import admin_url, ensure_groups, form_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TRIALS = 50
THREADS = 4
CONFLICT = "Someone else saved this record while you were editing it"
STATUSES = [Commitment.Status.PLANNED, Commitment.Status.IN_PROGRESS, Commitment.Status.STALLED]


@pytest.fixture
def write_time_conflicts(monkeypatch):
    """Counts the conflicts found by the save itself (not by the form's early check):
    proof that the saves really overlapped."""
    counter = itertools.count()
    init = EditConflict.__init__

    def counting_init(self, *args, **kwargs):
        next(counter)
        init(self, *args, **kwargs)

    monkeypatch.setattr(EditConflict, "__init__", counting_init)
    return lambda: next(counter)  # the count so far (reading it adds one)


def _race(submits):
    """Runs each submit in its own thread (its own connection), released together."""
    barrier = threading.Barrier(len(submits))
    results = [None] * len(submits)

    def run(i):
        try:
            barrier.wait(timeout=60)
            response = submits[i]()
            results[i] = (response.status_code, response.content.decode())
        except Exception as error:  # re-raised by the main thread
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(submits))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


def _clients(user):
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _assert_one_save_per_trial(name, *, url, clients, data, record, change, write_conflicts):
    """Each trial, every client posts ``data`` with its own ``change(trial, i)`` from the
    record's current version; ``record()`` reads what the record holds, which must be
    ``change(...)["record"]`` of the one person told "saved"."""
    successes, lost, unexplained = [], 0, 0
    for trial in range(TRIALS):
        version = Commitment.objects.values_list("version", flat=True).get()
        submits = []
        for i, client in enumerate(clients):
            mine = {**data, **change(trial, i)["data"], "loaded_version": str(version)}
            submits.append(lambda client=client, mine=mine: client.post(url, mine))
        results = _race(submits)
        saved = [i for i, (status, _body) in enumerate(results) if status == 302]
        conflicts = [i for i, (status, body) in enumerate(results) if CONFLICT in body]
        unexplained += len(results) - len(saved) - len(conflicts)
        successes.append(len(saved))
        now = record()
        lost += sum(1 for i in saved if now != change(trial, i)["record"])
    caught_at_write = write_conflicts()
    print(
        f"\n{name}: {TRIALS} trials x {THREADS} threads; successes per trial: "
        f"{sorted(set(successes))} (total {sum(successes)}); lost writes: {lost}; "
        f"conflicts caught by the write itself: {caught_at_write} of "
        f"{TRIALS * THREADS - sum(successes)}"
    )
    assert (successes, lost, unexplained) == ([1] * TRIALS, 0, 0), (
        f"successes per trial {successes}, lost writes {lost}, "
        f"refused without the conflict form {unexplained}"
    )
    assert caught_at_write > 0, "the saves never overlapped: the test raced nothing"


def _change(trial, i, themes, who):
    title, status, theme = f"Trial {trial}, {who} {i}", STATUSES[i % 3], themes[i]
    return {
        "data": {"title": title, "status": status, "themes": [str(theme.pk)]},
        "record": (title, status, [theme.pk]),
    }


def _portal_data(client, url):
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def test_simultaneous_portal_saves_of_a_draft_keep_exactly_one(
    barcelona, barcelona_staff, write_time_conflicts
):
    themes = [builders.theme(f"theme-{n}") for n in range(THREADS)]
    draft = builders.commitment(barcelona, state=Commitment.PublicationState.DRAFT)
    url = reverse("portal:commitment-edit", args=[draft.pk])
    clients = _clients(barcelona_staff)

    def record():
        draft.refresh_from_db()
        return (draft.title, draft.status, sorted(draft.themes.values_list("pk", flat=True)))

    _assert_one_save_per_trial(
        "portal, draft",
        url=url,
        clients=clients,
        data=_portal_data(clients[0], url),
        record=record,
        change=lambda trial, i: _change(trial, i, themes, "person"),
        write_conflicts=write_time_conflicts,
    )


def test_simultaneous_portal_saves_of_a_published_commitment_keep_exactly_one(
    barcelona, barcelona_staff, write_time_conflicts
):
    themes = [builders.theme(f"theme-{n}") for n in range(THREADS)]
    published = builders.commitment(barcelona)
    url = reverse("portal:commitment-edit", args=[published.pk])
    clients = _clients(barcelona_staff)

    def record():
        published.refresh_from_db()
        return (
            published.pending_changes.get("title"),  # a reviewed field: proposed
            published.status,  # applied at once
            sorted(published.themes.values_list("pk", flat=True)),
        )

    _assert_one_save_per_trial(
        "portal, published",
        url=url,
        clients=clients,
        data=_portal_data(clients[0], url),
        record=record,
        change=lambda trial, i: _change(trial, i, themes, "person"),
        write_conflicts=write_time_conflicts,
    )


def test_simultaneous_admin_saves_keep_exactly_one(barcelona, curator, write_time_conflicts):
    ensure_groups()
    themes = [builders.theme(f"theme-{n}") for n in range(THREADS)]
    draft = builders.commitment(barcelona, state=Commitment.PublicationState.DRAFT)
    url = admin_url(Commitment, "change", draft.pk)
    clients = _clients(curator)

    def record():
        draft.refresh_from_db()
        return (draft.title, draft.status, sorted(draft.themes.values_list("pk", flat=True)))

    _assert_one_save_per_trial(
        "admin change form",
        url=url,
        clients=clients,
        data=form_data(clients[0].get(url)),
        record=record,
        change=lambda trial, i: _change(trial, i, themes, "curator"),
        write_conflicts=write_time_conflicts,
    )


# Writes of different cities share no row ------------------------------------------------


def test_a_publish_does_not_wait_for_another_citys_open_write(
    barcelona, athens, barcelona_staff, curator
):
    """Two cities of one region, one status: while the first publish's transaction is
    still open, the second publish commits (nothing they both write: no counter, no
    tally), then the first commits too. Both are public, neither lost."""
    from django.db import transaction

    from commitments import services

    first = builders.commitment(barcelona, state=builders.NOT_PUBLIC_STATES[1])
    second = builders.commitment(athens, state=builders.NOT_PUBLIC_STATES[1])
    first_written, second_done = threading.Event(), threading.Event()
    order = []

    def publish_first():
        try:
            with transaction.atomic():
                services.publish(commitment=first, user=curator)
                first_written.set()
                # Held open until the other city's publish is done (or 10 s, if it waits).
                second_done.wait(timeout=10)
                order.append("first commits")
        finally:
            connections.close_all()

    def publish_second():
        try:
            first_written.wait(timeout=10)
            services.publish(commitment=second, user=curator)
            order.append("second commits")
            second_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish_first), threading.Thread(target=publish_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert order == ["second commits", "first commits"]
    states = Commitment.objects.filter(pk__in=[first.pk, second.pk]).values_list(
        "publication_state", flat=True
    )
    assert set(states) == {Commitment.PublicationState.PUBLISHED}


def test_many_cities_writing_at_once_all_commit_and_nothing_is_lost(curator):
    """Eight cities at once, each reporting progress on its published commitment while
    a curator publishes another of its drafts: every write commits, none is lost."""
    import datetime

    from cities.models import City
    from commitments import services
    from commitments.models import ProgressUpdate

    cities = [
        builders.baker.make(City, name=f"City {n}", slug=f"city-{n}", country="ES")
        for n in range(8)
    ]
    public = {city.pk: builders.commitment(city) for city in cities}
    drafts = {
        city.pk: builders.commitment(city, state=builders.NOT_PUBLIC_STATES[1]) for city in cities
    }
    day = datetime.date(2025, 3, 1)

    def writes(city):
        def run():
            services.add_progress_update(
                commitment=public[city.pk], user=None, date=day, text=f"{city.name} opened",
                percent=40,
            )  # fmt: skip
            services.publish(commitment=drafts[city.pk], user=curator)
            return _Done()

        return run

    _race([writes(city) for city in cities])
    texts = sorted(ProgressUpdate.objects.values_list("text", flat=True))
    assert texts == sorted(f"{city.name} opened" for city in cities)
    published = Commitment.objects.filter(
        pk__in=[d.pk for d in drafts.values()], publication_state="published"
    )
    assert published.count() == 8
    assert set(
        Commitment.objects.filter(pk__in=[c.pk for c in public.values()]).values_list(
            "progress", flat=True
        )
    ) == {40}


class _Done:
    status_code = 200
    content = b""
