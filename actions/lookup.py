"""Which measures a firm means by a phrase (「零税率」「出口信保」「人才政策」), for its region."""
from __future__ import annotations

from bot.nlu.vocabulary import load_vocabulary
from policies_db import CompiledCatalogue
from policies_db.authoring.schema import Measure
from policies_db.evaluation.coverage import firm_in


def measures_named(compiled: CompiledCatalogue, phrase: str, loose: bool = False) -> list[Measure]:
    """Measures whose title or keywords match the phrase: exact keyword/title first, then containment (`loose`:
    containment always)."""
    phrase = phrase.strip()
    exact = [m for m in compiled.measures if phrase == m.title or phrase in m.keywords]
    if exact and not loose:
        return exact
    return [m for m in compiled.measures
            if phrase in m.title or any(k in phrase or phrase in k for k in m.keywords if len(k) > 1)]


def measures_on_topic(compiled: CompiledCatalogue, phrase: str) -> list[Measure]:
    """A topic word (人才, 税收…) → its category's measures; otherwise the measures it names."""
    category = load_vocabulary().topics.get(phrase.strip())
    named = measures_named(compiled, phrase)
    if category:
        in_category = [m for m in compiled.measures if m.category == category]
        return in_category + [m for m in named if m not in in_category]
    return named


def for_region(compiled: CompiledCatalogue, measures: list[Measure], profile: dict | str | None) -> tuple[list[Measure], bool]:
    """(measures that apply where the firm is, whether the region still needs asking).

    `profile` holds city and/or province (a bare city name is accepted too)."""
    profile = {"city": profile} if isinstance(profile, str) else (profile or {})
    regions = {compiled.documents[m.document_id].jurisdiction for m in measures}
    if not profile.get("city") and not profile.get("province"):
        return measures, len(regions) > 1
    inside = {key: firm_in(profile, key) for key in regions}
    here = [m for m in measures if inside[compiled.documents[m.document_id].jurisdiction] is True]
    if here:
        return here, False
    # A province alone (湖北) may still be in a city's region (武汉市): keep those, ask if several.
    maybe = [m for m in measures if inside[compiled.documents[m.document_id].jurisdiction] is None]
    return maybe, len({compiled.documents[m.document_id].jurisdiction for m in maybe}) > 1
