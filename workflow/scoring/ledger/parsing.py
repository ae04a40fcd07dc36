"""`parse_ledger_scheme`: a plain mapping (from TOML) → a validated `LedgerScheme`.

Every error is a `LedgerError` naming the file (`source`) and the field path (「分值表第3项的分值」).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from workflow.scoring.ledger.errors import LedgerError
from workflow.scoring.ledger.fields import Reader as _Reader
from workflow.scoring.ledger.scheme import (
    COMBINE,
    PERIOD_KINDS,
    WILDCARD,
    Advanced,
    ArticleTest,
    BonusKind,
    Bundle,
    Cadre,
    CadreEventKind,
    Category,
    Credits,
    Excess,
    Flow,
    Group,
    IncidentKind,
    Klass,
    LedgerScheme,
    Level,
    Named,
    Outcome,
    Pool,
    Publication,
    Quota,
    Tier,
    Value,
    normalize,
)


def parse_ledger_scheme(data: Mapping[str, Any], source: str = "") -> LedgerScheme:
    """Validate a scheme mapping (from TOML) into a `LedgerScheme`; `source` names the file in errors."""
    top = _Reader(data, (), source)
    groups = tuple(_group(r) for r in top.tables("groups"))
    publications = tuple(_publication(r) for r in top.tables("publications"))
    classes = tuple(_klass(r) for r in top.tables("classes"))
    forms = tuple(_named(r) for r in top.tables("forms"))
    levels = tuple(_level(r) for r in top.tables("instructions"))
    for what, items in (
        ("groups", groups),
        ("publications", publications),
        ("classes", classes),
        ("forms", forms),
        ("instructions", levels),
    ):
        _unique(items, what, source)
    ids = {
        "groups": {g.id for g in groups},
        "publications": {p.id for p in publications},
        "classes": {c.id for c in classes} | {WILDCARD},
        "forms": {f.id for f in forms} | {WILDCARD},
        "levels": {lv.id for lv in levels},
    }

    def check(reader: _Reader, key: str, values: Sequence[str], what: str) -> None:
        for value in values:
            if value not in ids[what]:
                raise reader.fail(key, "ledger.scheme.unknown_ref", value=value, what=what)

    values = []
    for r in top.tables("values"):
        value = Value(
            publication=r.text("publication", required=True),
            klass=r.text("class", WILDCARD),
            form=r.text("form", WILDCARD),
            points=r.number("points", required=True),
            rule=r.text("rule", required=True),
            flag=r.text("flag"),
        )
        check(r, "publication", [value.publication], "publications")
        check(r, "class", [value.klass], "classes")
        check(r, "form", [value.form], "forms")
        r.done()
        values.append(value)
    table: dict[tuple[str, str, str], Value] = {}
    for n, value in enumerate(values, 1):
        key = (value.publication, value.klass, value.form)
        if key in table:
            raise LedgerError(
                "ledger.scheme.duplicate_id", source=source, field=f"values[{n}]", value="×".join(key)
            )
        table[key] = value

    quotas = []
    for r in top.tables("quotas"):
        quota_groups = r.texts("groups")
        check(r, "groups", quota_groups, "groups")
        categories = []
        for c in r.tables("categories"):
            category = Category(
                name=c.text("name", required=True),
                required=c.count("required", required=True),
                source=c.choice("source", ("articles", "submissions"), "articles"),
                publications=c.texts("publications"),
                classes=c.texts("classes"),
                kind=c.text("kind", "information"),
            )
            check(c, "publications", category.publications, "publications")
            check(c, "classes", category.classes, "classes")
            c.done()
            categories.append(category)
        if not categories:
            raise r.fail("categories", "ledger.scheme.field_missing")
        aggregate = r.text("aggregate_over")
        if aggregate and aggregate not in PERIOD_KINDS:
            raise r.fail(
                "aggregate_over", "ledger.scheme.choice", choices=list(PERIOD_KINDS), value=aggregate
            )
        quotas.append(
            Quota(
                id=r.text("id", required=True),
                name=r.text("name", required=True),
                groups=quota_groups,
                period=r.choice("period", PERIOD_KINDS),
                mode=r.choice("mode", ("nested", "separate"), "separate"),
                basis=r.choice("basis", ("adopted", "submitted"), "adopted"),
                deduct=r.number("deduct", Decimal(0)),
                rule=r.text("rule", required=True),
                deduct_rule=r.text("deduct_rule"),
                categories=tuple(categories),
                aggregate_over=aggregate,
            )
        )
        r.done()

    excess = None
    if (excess_reader := top.table("excess")) is not None:
        r = excess_reader
        excess_groups, excess_classes, consumes = r.texts("groups"), r.texts("classes"), r.texts("consumes")
        check(r, "groups", excess_groups, "groups")
        check(r, "classes", excess_classes, "classes")
        check(r, "consumes", consumes, "publications")
        bonus_reader = r.table("bonus")
        bonus: dict[str, Decimal] = {}
        if bonus_reader is not None:
            for key in list(bonus_reader.data):
                check(bonus_reader, key, [key], "publications")
                bonus[key] = bonus_reader.number(key)
            bonus_reader.done()
        excess = Excess(
            r.text("rule", required=True), excess_groups, excess_classes, r.count("task"), consumes, bonus
        )
        r.done()

    credits = Credits()
    if (credits_reader := top.table("credits")) is not None:
        r = credits_reader
        recommended_groups = r.texts("recommended_groups")
        check(r, "recommended_groups", recommended_groups, "groups")
        credits = Credits(
            material_rule=r.text("material_rule"),
            material_points=r.boolean("material_points", True),
            recommended_rule=r.text("recommended_rule"),
            recommended_ratio=r.count("recommended_ratio"),
            recommended_groups=recommended_groups,
        )
        r.done()

    incidents = tuple(_incident(r) for r in top.tables("incidents"))
    bonuses = tuple(_bonus(r) for r in top.tables("unit_bonuses"))
    _unique(incidents, "incidents", source)
    _unique(bonuses, "unit_bonuses", source)

    outcomes = []
    for r in top.tables("completion"):
        outcome = Outcome(
            groups=r.texts("groups"),
            mode=r.choice("mode", ("proportional", "adjust")),
            rule=r.text("rule", required=True),
            weight=r.number("weight", Decimal(1)),
            advanced=r.number("advanced", Decimal(0)),
            not_completed=r.number("not_completed", Decimal(0)),
        )
        check(r, "groups", outcome.groups, "groups")
        r.done()
        outcomes.append(outcome)

    bundles = []
    for r in top.tables("bundles"):
        bundles.append(
            Bundle(r.text("lead", required=True), r.texts("members"), r.text("rule"), r.boolean("separate"))
        )
        r.done()

    advanced = None
    if (advanced_reader := top.table("advanced")) is not None:
        r = advanced_reader
        pools = []
        for p in r.tables("pools"):
            pools.append(
                Pool(
                    p.text("id", required=True),
                    p.text("name", required=True),
                    p.share("share"),
                    p.text("rule"),
                )
            )
            p.done()
        advanced = Advanced(
            rule=r.text("rule", required=True),
            pools=tuple(pools),
            require_completed=r.boolean("require_completed", True),
            eligible_article=_article_test(r.table("eligible_article"), check),
            eligible_rule=r.text("eligible_rule"),
            direct=_article_test(r.table("direct"), check),
            direct_rule=r.text("direct_rule"),
            notices_disqualify=r.count("notices_disqualify"),
            notices_rule=r.text("notices_rule"),
        )
        r.done()

    cadre = None
    if (cadre_reader := top.table("cadre")) is not None:
        cadre = _cadre(cadre_reader)

    flow = _flow(top.table("flow"), {i.id for i in incidents}, ids["levels"])

    cutoff = top.raw("cutoff_day")
    if cutoff is not None and (
        isinstance(cutoff, bool) or not isinstance(cutoff, int) or not 1 <= cutoff <= 28
    ):
        raise top.fail("cutoff_day", "ledger.scheme.cutoff_range", value=cutoff)
    scheme = LedgerScheme(
        id=top.text("id", required=True),
        version=top.text("version", required=True),
        name=top.text("name", required=True),
        source_note=top.text("source_note"),
        partial=top.boolean("partial"),
        currency=top.choice("currency", ("分", "元"), "分"),
        precision=top.number("precision", Decimal("0.01")),
        cutoff_day=cutoff,
        cutoff_rule=top.text("cutoff_rule"),
        combine=top.choice("combine", COMBINE, "dimension_max"),
        combine_rule=top.text("combine_rule"),
        groups=groups,
        publications=publications,
        classes=classes,
        forms=forms,
        values=tuple(values),
        levels=levels,
        instruction_rule=top.text("instruction_rule"),
        quotas=tuple(quotas),
        excess=excess,
        credits=credits,
        incidents=incidents,
        bonuses=bonuses,
        outcomes=tuple(outcomes),
        bundles=tuple(bundles),
        ranking_key=top.choice("ranking_key", ("total", "completion"), "total"),
        ranking_rule=top.text("ranking_rule"),
        last_place_rule=top.text("last_place_rule"),
        advanced=advanced,
        cadre=cadre,
        value_table=table,
        flow=flow,
    )
    top.done()
    if not groups and cadre is None:
        raise LedgerError("ledger.scheme.no_groups", source=source, field="groups")
    if not values and cadre is None:
        raise LedgerError("ledger.scheme.no_ledger", source=source)
    if scheme.precision <= 0:
        raise LedgerError(
            "ledger.scheme.field_not_number", source=source, field="precision", value=scheme.precision
        )
    return scheme


def _named_fields(r: _Reader) -> dict[str, Any]:
    return {
        "id": r.text("id", required=True),
        "name": r.text("name", required=True),
        "aliases": r.texts("aliases"),
    }


def _named(r: _Reader) -> Named:
    item = Named(**_named_fields(r))
    r.done()
    return item


def _group(r: _Reader) -> Group:
    item = Group(**_named_fields(r), pool=r.text("pool"))
    r.done()
    return item


def _publication(r: _Reader) -> Publication:
    item = Publication(
        **_named_fields(r),
        counts_for_quota=r.boolean("counts_for_quota", True),
        tier=r.text("tier"),
        superseded_by=r.texts("superseded_by"),
    )
    r.done()
    return item


def _klass(r: _Reader) -> Klass:
    item = Klass(**_named_fields(r), tags=r.texts("tags"))
    r.done()
    return item


def _level(r: _Reader) -> Level:
    item = Level(**_named_fields(r), points=r.number("points", required=True), rule=r.text("rule"))
    r.done()
    return item


def _incident(r: _Reader) -> IncidentKind:
    item = IncidentKind(
        **_named_fields(r),
        points=r.number("points", Decimal(0)),
        share_of_base=r.share("share_of_base"),
        rule=r.text("rule", required=True),
        notice=r.boolean("notice"),
        disqualifies=r.boolean("disqualifies"),
        serious_rule=r.text("serious_rule"),
        deems_not_completed=r.boolean("deems_not_completed"),
    )
    r.done()
    return item


def _bonus(r: _Reader) -> BonusKind:
    item = BonusKind(
        **_named_fields(r),
        points=r.number("points", Decimal(0)),
        share_of_base=r.share("share_of_base"),
        once_per_year=r.boolean("once_per_year"),
        rule=r.text("rule", required=True),
    )
    r.done()
    return item


def _article_test(r: _Reader | None, check: Any) -> ArticleTest | None:
    if r is None:
        return None
    test = ArticleTest(
        publications=r.texts("publications"),
        tag=r.text("tag"),
        instruction=r.text("instruction"),
        exclude_forms=r.texts("exclude_forms"),
    )
    check(r, "publications", test.publications, "publications")
    check(r, "exclude_forms", test.exclude_forms, "forms")
    if test.instruction:
        check(r, "instruction", [test.instruction], "levels")
    r.done()
    return test


def _cadre(r: _Reader) -> Cadre:
    tiers = []
    for t in r.tables("tiers"):
        tiers.append(Tier(**_named_fields(t), cap=t.count("cap")))
        t.done()
    levels = tuple(_named(t) for t in r.tables("levels"))
    tier_ids, level_ids = {t.id for t in tiers}, {lv.id for lv in levels}
    events = []
    for e in r.tables("events"):
        recipients = e.texts("recipients")
        for tier in recipients:
            if tier not in tier_ids:
                raise e.fail("recipients", "ledger.scheme.unknown_ref", value=tier, what="cadre")
        values: dict[str, Decimal] = {}
        if (v := e.table("values")) is not None:
            for key in list(v.data):
                if key not in level_ids:
                    raise v.fail(key, "ledger.scheme.unknown_ref", value=key, what="level")
                values[key] = v.number(key)
            v.done()
        bands = []
        for b in e.tables("bands"):
            points = b.raw("points")
            bands.append(
                (
                    b.count("from", required=True),
                    b.count("to", required=True),
                    None if points is None else b.number("points"),
                )
            )
            b.done()
        events.append(
            CadreEventKind(
                **_named_fields(e),
                recipients=recipients,
                values=values,
                negative=e.boolean("negative"),
                rule=e.text("rule", required=True),
                rank_share=e.share("rank_share"),
                bands=tuple(bands),
            )
        )
        e.done()
    cadre = Cadre(r.text("rule"), tuple(tiers), levels, tuple(events))
    r.done()
    _unique(cadre.events, "cadre", r.source)
    return cadre


def _unique(items: Sequence[Named], what: str, source: str) -> None:
    seen_ids: set[str] = set()
    names: dict[str, str] = {}
    for n, item in enumerate(items, 1):
        if item.id in seen_ids:
            raise LedgerError(
                "ledger.scheme.duplicate_id", source=source, field=f"{what}[{n}]", value=item.id
            )
        seen_ids.add(item.id)
        for name in (item.name, *item.aliases):
            key = normalize(name)
            if names.get(key, item.id) != item.id:
                raise LedgerError(
                    "ledger.scheme.duplicate_name", source=source, field=f"{what}[{n}]", value=name, what=what
                )
            names[key] = item.id


def _flow(reader: _Reader | None, incident_ids: set[str], level_ids: set[str]) -> Flow:
    """`[flow]`: how the submission flow's own records read in this scheme — its incident kinds (迟报/漏报/瞒报/
    信息失实) and leaders' levels onto the scheme's ids, and which incident a missed important commission is."""
    if reader is None:
        return Flow()
    maps: dict[str, dict[str, str]] = {}
    for key, known, what in (("incidents", incident_ids, "incidents"), ("instructions", level_ids, "levels")):
        sub = reader.table(key)
        mapping: dict[str, str] = {}
        if sub is not None:
            for name in list(sub.data or {}):
                value = sub.text(str(name), required=True)
                if value not in known:
                    raise sub.fail(str(name), "ledger.scheme.unknown_ref", value=value, what=what)
                mapping[str(name)] = value
            sub.done()
        maps[key] = mapping
    missed = reader.text("commission_missed")
    if missed and missed not in incident_ids:
        raise reader.fail("commission_missed", "ledger.scheme.unknown_ref", value=missed, what="incidents")
    reader.done()
    return Flow(incidents=maps["incidents"], levels=maps["instructions"], commission_missed=missed)
