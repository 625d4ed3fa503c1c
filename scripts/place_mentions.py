"""Places in a user message, and whose they are by the conversation's expected city (issue 19 experiment).

Shared by scripts/place_roles_data.py (automatic annotation of the development corpus) and
scripts/compare_place_readers.py (the gold of the comparison), so both read places exactly as production does:
the resolver of policies_db/evaluation/places.py (division data + gazetteer.yml), names written together
(places_roles.yml `same_place_gap`) read as one place.
"""
from __future__ import annotations

import dataclasses
import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.nlu.normalize import normalize
from policies_db.evaluation import places

ROOT = Path(__file__).resolve().parent.parent
ROLES_LEXICON = ROOT / "bot" / "nlu" / "lexicon" / "places_roles.yml"
# The three newest development batches before the sealed one: a second test set (the rules were fitted to them).
HELD_OUT_BATCHES = ("-s1.", "-s2.", "-t1.", "-t2.", "-u1.", "-u2.")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    keys: frozenset  # the cities (or abroad names) the mention may mean; several when ambiguous
    status: str


@functools.lru_cache(maxsize=1)
def _gaps() -> frozenset[str]:
    return frozenset(yaml.safe_load(ROLES_LEXICON.read_text(encoding="utf-8"))["same_place_gap"])


def keys_of(resolution: places.Resolution) -> frozenset:
    """What a resolution may name as the firm's place: a city (杭州), a foreign place (东京), a province (浙江)."""
    if resolution.status == places.RESOLVED:
        return frozenset({resolution.place.city_name})
    if resolution.status == places.AMBIGUOUS:
        return frozenset(c.city_name for c in resolution.candidates if c.city_name)
    if resolution.status == places.ABROAD:
        return frozenset({resolution.abroad})
    if resolution.status == places.PROVINCE_ONLY:
        return frozenset({resolution.place.province_name})
    return frozenset()


def expected_key(city: str | None) -> str | None:
    """A profile `city` value as the resolver names it (义乌 → 金华, 汉川 → 孝感: the profile stores the city)."""
    if not city:
        return None
    keys = keys_of(places.resolve(city))
    return next(iter(keys)) if len(keys) == 1 else city


@functools.lru_cache(maxsize=1)
def _finder() -> places._Index:
    """The resolver's own index and matcher (the same names as production), with one change: a district's short name
    may stand after 们. The resolver reads a short name glued after a character as the tail of a longer name (钱江新城 is
    not 新城区), which also drops 「我们滨江的」「我们武昌的」 (21 development messages, 3 sealed); the rule reader reads
    those from jieba's tokens, so the gold must see them too."""
    index = places._index()
    return dataclasses.replace(index, may_follow=index.may_follow + "们")


def mentions(text: str) -> list[Mention]:
    """The places a text names, names written together read as one (湖北宜昌, 武汉的青山区), resolved in context."""
    found = places._mentions(_finder(), text)
    groups: list[list[tuple[int, str]]] = []
    for start, name in found:
        last = groups[-1] if groups else None
        if last and text[last[-1][0] + len(last[-1][1]):start] in _gaps():
            joined = text[last[0][0]:start + len(name)]
            if places.resolve(joined).status in (places.RESOLVED, places.PROVINCE_ONLY):
                last.append((start, name))
                continue
        groups.append([(start, name)])
    out = []
    for group in groups:
        start, end = group[0][0], group[-1][0] + len(group[-1][1])
        resolution = places.resolve(text[start:end], context=text)
        out.append(Mention(start, end, text[start:end], keys_of(resolution), resolution.status))
    return out


def annotate(text: str, city: str | None) -> list[tuple[int, int, str]]:
    """(start, end, role) of the places in a message of a conversation whose firm is in `city`."""
    want = expected_key(city)
    index = places._index()
    spans = []
    for m in mentions(text):
        if want and want in m.keys:
            spans.append((m.start, m.end, "firm"))
        elif m.status in (places.RESOLVED, places.AMBIGUOUS) or (
                m.status == places.ABROAD and m.text in index.abroad_cities):
            spans.append((m.start, m.end, "other"))
    return spans


def gold_city(text: str, city: str | None) -> str | None:
    """The firm's city as a reader should read it from this message: the expected city if the message names it."""
    want = expected_key(city)
    return want if want and any(want in m.keys for m in mentions(text)) else None


def user_messages(conversation) -> list[str]:
    """Every message the firm may type in a conversation (scripted turns, answers, messages after the results)."""
    out = []
    for turn in [*conversation.turns, conversation.answers, *conversation.after]:
        for answer in [*turn.by_slot.values(), *([turn.default] if turn.default else [])]:
            out.append(" ".join(normalize(answer.say).split()))
    return out


def is_held_out(file: str) -> bool:
    return any(tag in file for tag in HELD_OUT_BATCHES)


def sealed_commit() -> str:
    """The commit that froze the sealed batch (the last to change tests/sealed/): code and words as they were then have
    never seen it — while the batch is being fixed, the working tree's lexicon already holds words taken from it."""
    out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%H", "--", "tests/sealed"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def full_commit(ref: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"], capture_output=True,
                          text=True, check=True).stdout.strip()


def snapshot(commit: str) -> Path:
    """The repository's code, words and corpora as they were at `commit`, unpacked once (git archive, read-only) into
    build/roles/at-<commit>/: the data is built from, and the blind rules run with, what the project knew then."""
    target = ROOT / "build" / "roles" / f"at-{commit[:7]}"
    if not (target / "bot").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "bot", "policies_db", "tests/conversations",
                                  "tests/sealed"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def lexicon_at(commit: str | None, path: Path) -> dict:
    """A YAML file of the repository as it was at `commit` (None: as it is in the working tree)."""
    source = path if commit is None else snapshot(commit) / path.relative_to(ROOT)
    return yaml.safe_load(source.read_text(encoding="utf-8"))
