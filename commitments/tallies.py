"""The published commitments counted by (status, region) and by theme, kept exact in
the transaction of every write (``StatusRegionTally``, ``ThemeTally``).

The home page and its charts read these few rows instead of counting a million
commitments. Each write that can change a commitment's part in the counts (whether it
is published, its status, its city, its themes; a city's region; a deletion) reads
the commitment's part before and after, and adds the difference to the tallies with
one ``INSERT ... ON CONFLICT DO UPDATE SET count = count + ...`` per changed row: two
writers that meet on the same row wait for each other, and neither's increment is
lost. A bulk write sends no signal: code that writes commitments that way (the
``generatedata`` command) calls ``recount()`` afterwards, and so can anyone who
suspects a tally (``manage.py recounttallies``).
"""

from collections import Counter
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from cities.models import City

from .models import Commitment, StatusRegionTally, ThemeTally

PUBLISHED = Commitment.PublicationState.PUBLISHED
Part = tuple[tuple[str, str] | None, frozenset[int]]
NOTHING: Part = (None, frozenset())


def parts_of(pks: Any) -> dict[int, Part]:
    """Each published commitment's part in the counts: its (status, region) and its
    themes. Unpublished ones (and missing ones) have no part. Two queries."""
    rows = Commitment.objects.filter(pk__in=pks, publication_state=PUBLISHED).values_list(
        "pk", "status", "city__region"
    )
    keys = {pk: (status, region or "") for pk, status, region in rows}
    themes: dict[int, set[int]] = {pk: set() for pk in keys}
    links = Commitment.themes.through.objects.filter(commitment_id__in=list(keys))
    for commitment_id, theme_id in links.values_list("commitment_id", "theme_id"):
        themes[commitment_id].add(theme_id)
    return {pk: (keys[pk], frozenset(themes[pk])) for pk in keys}


def add(before: dict[int, Part], after: dict[int, Part]) -> None:
    """Adds to the tallies what changed from ``before`` to ``after``."""
    by_key: Counter[tuple[str, str]] = Counter()
    by_theme: Counter[int] = Counter()
    for pk in before.keys() | after.keys():
        old_key, old_themes = before.get(pk, NOTHING)
        new_key, new_themes = after.get(pk, NOTHING)
        if old_key is not None:
            by_key[old_key] -= 1
        if new_key is not None:
            by_key[new_key] += 1
        for theme in old_themes:
            by_theme[theme] -= 1
        for theme in new_themes:
            by_theme[theme] += 1
    _upsert(
        StatusRegionTally,
        ("status", "region"),
        [(*key, delta) for key, delta in sorted(by_key.items()) if delta],
    )
    _upsert(
        ThemeTally,
        ("theme_id",),
        [(theme, delta) for theme, delta in sorted(by_theme.items()) if delta],
    )


def _upsert(model: Any, key: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join([*key, "count"])
    values = ", ".join(["(" + ", ".join(["%s"] * (len(key) + 1)) + ")"] * len(rows))
    # Only names of this module's own models and placeholders go into the text.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def recount() -> None:
    """Every tally counted again from the commitments (after bulk writes)."""
    published = Commitment.objects.published().order_by()
    with transaction.atomic():
        StatusRegionTally.objects.all().delete()
        ThemeTally.objects.all().delete()
        StatusRegionTally.objects.bulk_create(
            StatusRegionTally(status=status, region=region or "", count=count)
            for status, region, count in published.values("status", "city__region")
            .annotate(n=Count("pk"))
            .values_list("status", "city__region", "n")
        )
        ThemeTally.objects.bulk_create(
            ThemeTally(theme_id=theme, count=count)
            for theme, count in published.filter(themes__isnull=False)
            .values("themes")
            .annotate(n=Count("pk"))
            .values_list("themes", "n")
        )


# Signals ---------------------------------------------------------------------------
# ``raw`` saves (fixtures) are left out: ``loaddata`` writes rows as they are, like a
# bulk write, and whoever loads them recounts.


def _before_save(sender: Any, instance: Commitment, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        instance.__dict__["_tally_before"] = parts_of([instance.pk]) if instance.pk else {}


def _after_save(sender: Any, instance: Commitment, raw: bool = False, **kwargs: Any) -> None:
    if not raw and "_tally_before" in instance.__dict__:
        add(instance.__dict__.pop("_tally_before"), parts_of([instance.pk]))


def _before_delete(sender: Any, instance: Commitment, **kwargs: Any) -> None:
    instance.__dict__["_tally_before"] = parts_of([instance.pk])


def _after_delete(sender: Any, instance: Commitment, **kwargs: Any) -> None:
    if "_tally_before" in instance.__dict__:
        add(instance.__dict__.pop("_tally_before"), {})


def _themes_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in (
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    ):
        return
    if reverse:
        # theme.commitments.add(...): the commitments are in pk_set (all of them for a
        # clear, which gives none).
        pks = (
            list(pk_set)
            if pk_set is not None
            else list(instance.commitments.values_list("pk", flat=True))
        )
    else:
        pks = [instance.pk]
    if action.startswith("pre_"):
        instance.__dict__["_tally_themes_before"] = parts_of(pks)
    elif "_tally_themes_before" in instance.__dict__:
        before = instance.__dict__.pop("_tally_themes_before")
        add(before, parts_of(before.keys() | set(pks)))


def _before_city_save(sender: Any, instance: City, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.pk:
        instance.__dict__["_tally_commitments_before"] = parts_of(
            Commitment.objects.filter(city=instance, publication_state=PUBLISHED).values("pk")
        )


def _after_city_save(sender: Any, instance: City, raw: bool = False, **kwargs: Any) -> None:
    before = instance.__dict__.pop("_tally_commitments_before", None)
    if before:
        after = parts_of(list(before))
        if after != before:  # the region changed with the country
            add(before, after)


def connect() -> None:
    """Called once, by ``CommitmentsConfig.ready()``."""
    pre_save.connect(_before_save, sender=Commitment, dispatch_uid="tally_before_save")
    post_save.connect(_after_save, sender=Commitment, dispatch_uid="tally_after_save")
    pre_delete.connect(_before_delete, sender=Commitment, dispatch_uid="tally_before_delete")
    post_delete.connect(_after_delete, sender=Commitment, dispatch_uid="tally_after_delete")
    m2m_changed.connect(
        _themes_changed, sender=Commitment.themes.through, dispatch_uid="tally_themes"
    )
    pre_save.connect(_before_city_save, sender=City, dispatch_uid="tally_before_city_save")
    post_save.connect(_after_city_save, sender=City, dispatch_uid="tally_after_city_save")
