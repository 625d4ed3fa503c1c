"""Issue 19 experiment: NLU training data of `place` entities with a role, for DIET's entity recognition.

Role `firm`: the firm's own registered/operating place; role `other`: anyone else's place, a plan, an office, a
hometown, the region a question asks about. Written to build/roles/ (Rasa 3 YAML, one intent):

  dev_annotated.yml  the DEVELOPMENT corpus (tests/conversations/*.yml), annotated automatically
                     (scripts/place_mentions.py): every place a user message names whose city is the conversation's
                     expected `city` is `firm`, any other `other`. Label noise, accepted: a client in the firm's own
                     city is labelled `firm` (「客户也在杭州」 from a 杭州 firm), a question about the firm's own city too
                     (「杭州有哪些政策」), a city given and taken back (「哦不对」) `other`. Provinces and countries are
                     not annotated (no city to compare), unless they are the expected value itself (新加坡). A text
                     annotated differently in two conversations takes its most frequent annotation. Messages naming
                     no place are kept too (a sample), so DIET learns where there is none.
  generated.yml      frames of bench/roles/templates.yml filled with the cue words of bot/nlu/lexicon/places_roles.yml
                     (and grammar.yml classes) and gazetteer places, from one seeded random stream: the same file
                     every run for the same lexicon.
  features.yml       a lookup table of place names and two cue regexes (RegexFeaturizer).
  manifest.json      the commit the data was built at, the sealed files and held-out batches it left out.

Everything is read as it was at one commit (--at; default: the commit that froze tests/sealed/), unpacked into
build/roles/at-<commit>/: the corpora, the sealed batch and the lexicon. The sealed batch is fixed in the working tree
as soon as it has been run once — words added to places_roles.yml then come from it, and must not reach DIET. (The
place resolver and gazetteer are the working tree's.)

Held out from training: the sealed batch (tests/sealed/*.yml, read only to leave its texts out), the development files
of HELD_OUT_BATCHES, and any text equal to one of their messages. scripts/compare_place_readers.py measures on those.

    PYTHONPATH=. .venv/bin/python scripts/place_roles_data.py [--generated 1600] [--negatives 600] [--seed 19]
        [--at COMMIT]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.normalize import normalize  # noqa: E402
from policies_db.evaluation import places  # noqa: E402
from scripts.place_mentions import (  # noqa: E402
    HELD_OUT_BATCHES,
    ROLES_LEXICON,
    annotate,
    full_commit,
    is_held_out,
    keys_of,
    lexicon_at,
    mentions,
    sealed_commit,
    snapshot,
    user_messages,
)

OUT = ROOT / "build" / "roles"
TEMPLATES = ROOT / "bench" / "roles" / "templates.yml"
GRAMMAR = ROOT / "bot" / "nlu" / "lexicon" / "grammar.yml"
JIEBA_DICT = ROOT / "build" / "nlu" / "jieba"
INTENT = "place_roles"
COVERED_PROVINCES = ("浙江省", "湖北省")
MARKUP = re.compile(r"[\[\]{}]")  # would be read as annotation markup in Rasa's YAML
Example = tuple[str, list[tuple[int, int, str]]]


# -- generation ---------------------------------------------------------------------------------------------


def _town_names() -> set[str]:
    """Towns and 街道 (towns.yml): the resolver reads them, but a pool or lookup of 3,000 villages would drown the cities."""
    towns = yaml.safe_load(places.TOWNS_FILE.read_text(encoding="utf-8")) or {}
    return {n.lstrip("~") for items in towns.values() for item in items for n in item.split("|")}


def place_pools() -> dict[str, list[str]]:
    """Names to fill the frames with: covered provinces (cities, districts, counties, zones), the rest of China (its
    cities, by the short names firms write), abroad (cities)."""
    index = places._index()
    covered_codes = {p.province_code for p in index.provinces.values() if p.province in COVERED_PROVINCES}
    cities, towns = set(index.canonical_city.values()), _town_names()
    covered, china = set(), set()
    for name in places.dictionary_names(covered=[places.place_of(p) for p in COVERED_PROVINCES]):
        r = places.resolve(name)
        if r.status != places.RESOLVED or len(name) < 2 or name in towns:
            continue
        if r.place.province_code in covered_codes:
            covered.add(name)
        elif name in cities:
            china.add(name)
    return {"covered": sorted(covered), "china": sorted(china), "abroad": sorted(index.abroad_cities)}


class Generator:
    """Frames × cue words × places, from one seeded random stream."""

    def __init__(self, seed: int = 19, lexicon_commit: str | None = None):
        self.rng = random.Random(seed)
        self.frames = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))
        lexicon = lexicon_at(lexicon_commit, ROLES_LEXICON)
        classes = lexicon_at(lexicon_commit, GRAMMAR)["classes"]
        self.words = {**classes, **lexicon, **self.frames["words"]}
        self.pools = place_pools()

    def _place(self, role: str, abroad: bool, taken: set) -> str:
        for _ in range(50):
            if abroad:
                pool = "abroad"
            else:
                pool = self.rng.choices(["covered", "china", "abroad"], [6, 3, 0 if role == "firm" else 1])[0]
            name = self.rng.choice(self.pools[pool])
            key = keys_of(places.resolve(name))
            if key and not key & taken:
                taken |= key
                return name
        raise RuntimeError("no place left to draw")

    def fill(self, frame: str, taken: set) -> tuple[str, list[tuple[int, int, str]]]:
        text, spans = "", []
        for literal, slot in re.findall(r"([^{]*)(?:\{(\w+)\})?", frame):
            text += literal
            if not slot:
                continue
            role = slot.split("_")[0]
            if role in ("firm", "other"):
                name = self._place(role, slot.endswith("_abroad"), taken)
                spans.append((len(text), len(text) + len(name), role))
                text += name
            else:
                text += str(self.rng.choice(self.words[slot]))
        return text, spans

    def example(self) -> tuple[str, list[tuple[int, int, str]]]:
        taken: set = set()
        if self.rng.random() < self.frames["two_share"]:
            first, second = self.fill(self.rng.choice(self.frames["firm"]), taken), \
                self.fill(self.rng.choice(self.frames["other"]), taken)
            if self.rng.random() < 0.5:
                first, second = second, first
            joint = first[0] + self.rng.choice(self.words["pause"])
            return joint + second[0], first[1] + [(s + len(joint), e + len(joint), r) for s, e, r in second[1]]
        return self.fill(self.rng.choice(self.frames[self.rng.choice(["firm", "other"])]), taken)

    def examples(self, n: int) -> list[tuple[str, list[tuple[int, int, str]]]]:
        """n examples whose places the resolver reads exactly as the frame placed them (others are dropped)."""
        out = []
        while len(out) < n:
            text, spans = self.example()
            text = " ".join(normalize(text).split())
            if sorted((m.start, m.end) for m in mentions(text)) == sorted((s, e) for s, e, _ in spans):
                out.append((text, spans))
        return out


# -- writing ------------------------------------------------------------------------------------------------


def markup(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, at = "", 0
    for start, end, role in sorted(spans):
        entity = json.dumps({"entity": "place", "role": role}, ensure_ascii=False)
        out += text[at:start] + f"[{text[start:end]}]{entity}"
        at = end
    return out + text[at:]


def block(key: str, name: str, lines: list[str]) -> str:
    """One item of Rasa's `nlu:` list, its examples as a literal block (as data/nlu/*.yml writes them)."""
    return f"- {key}: {name}\n  examples: |\n" + "".join(f"    - {line}\n" for line in lines)


def nlu_yaml(examples: list[Example], intent: str = INTENT) -> str:
    return 'version: "3.1"\nnlu:\n' + block("intent", intent, [markup(t, s) for t, s in examples])


def dev_examples(conversations, test_texts: set[str], negatives: int, seed: int) -> tuple[list[Example], dict]:
    """The training part of the development corpus, annotated; a text's most frequent annotation wins."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for conversation in conversations:
        if is_held_out(conversation.file):
            continue
        city = conversation.described_profile().get("city")
        for text in user_messages(conversation):
            if city and text and text not in test_texts and not MARKUP.search(text):
                seen[text][tuple(annotate(text, city))] += 1
    with_places = [(t, list(c.most_common(1)[0][0])) for t, c in seen.items() if c.most_common(1)[0][0]]
    without = sorted(t for t, c in seen.items() if not c.most_common(1)[0][0])
    sample = random.Random(seed).sample(without, min(negatives, len(without)))
    stats = {"texts with places": len(with_places), "of them annotated differently in two conversations":
             sum(1 for c in seen.values() if len(c) > 1 and c.most_common(1)[0][0]), "texts without a place": len(sample)}
    return with_places + [(t, []) for t in sample], stats


def jieba_aligned(examples: list[Example]) -> tuple[list[Example], int]:
    """Examples whose entities start and end on token boundaries of the project's tokenizer (jieba + the NLU
    dictionary, as CleanJiebaTokenizer reads it): Rasa drops a misaligned annotation with a warning; dropping the
    example keeps the data honest."""
    import jieba

    jieba.setLogLevel(60)
    for path in sorted(JIEBA_DICT.glob("*")):
        jieba.load_userdict(str(path))
    kept, dropped = [], 0
    for text, spans in examples:
        bounds = {b for _, start, end in jieba.tokenize(text) for b in (start, end)}
        if all(s in bounds and e in bounds for s, e, _ in spans):
            kept.append((text, spans))
        else:
            dropped += 1
    return kept, dropped


def features(lexicon_commit: str | None = None) -> str:
    """Lookup `place`: cities, districts, counties and zones of the covered provinces, every city of China, cities
    abroad (about 1,500 names: RegexFeaturizer compiles them into one pattern). Regexes: the lexicon's cues of each
    role (two characters or more: 按, 离, 跟 alone would mark half the tokens)."""
    pools = place_pools()
    lexicon = lexicon_at(lexicon_commit, ROLES_LEXICON)
    firm_cues = {w for k in ("registered_before", "registered_after", "self_before", "here_after") for w in lexicon[k]}
    other_cues = {w for k in ("elsewhere_before", "elsewhere_after", "office_nouns", "not_registered_after")
                  for w in lexicon[k]}
    cue = lambda words: "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)) if len(w) >= 2)
    return ('version: "3.1"\nnlu:\n' + block("lookup", "place", sorted({*pools["covered"], *pools["china"],
                                                                          *pools["abroad"]}))
            + block("regex", "firm_cue", [cue(firm_cues - other_cues)])
            + block("regex", "other_cue", [cue(other_cues - firm_cues)]))


def main(argv: list[str]) -> int:
    from tests.eval.corpus import load_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generated", type=int, default=1600, help="generated examples (default 1600)")
    parser.add_argument("--negatives", type=int, default=600, help="development texts naming no place (default 600)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--at", default=None,
                        help="build from the corpora and the lexicon as they were at this commit (default: the commit "
                             "that froze tests/sealed/, so nothing fitted to the sealed batch reaches DIET)")
    args = parser.parse_args(argv)
    commit = full_commit(args.at or sealed_commit())
    source = snapshot(commit)
    development = load_corpus(source / "tests" / "conversations")
    sealed = load_corpus(source / "tests" / "sealed")
    # Never train on a text the comparison reads: the sealed batch's and the held-out development files' messages.
    test_texts = {t for c in sealed for t in user_messages(c)}
    test_texts |= {t for c in development if is_held_out(c.file) for t in user_messages(c)}
    dev, stats = dev_examples(development, test_texts, args.negatives, args.seed)
    generated = [(t, s) for t, s in Generator(args.seed, commit).examples(args.generated) if t not in test_texts]
    dev, dropped_dev = jieba_aligned(dev)
    generated, dropped_gen = jieba_aligned(generated)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "dev_annotated.yml").write_text(nlu_yaml(dev), encoding="utf-8")
    (OUT / "generated.yml").write_text(nlu_yaml(generated), encoding="utf-8")
    (OUT / "features.yml").write_text(features(commit), encoding="utf-8")
    # What the comparison needs to know: which commit's sealed batch and held-out files DIET has never seen.
    (OUT / "manifest.json").write_text(json.dumps({
        "commit": commit, "sealed_files": sorted({c.file for c in sealed}), "held_out_batches": list(HELD_OUT_BATCHES),
        "development_files": sorted({c.file for c in development if not is_held_out(c.file)}), "seed": args.seed,
        "generated": len(generated), "development_examples": len(dev)}, ensure_ascii=False, indent=1), encoding="utf-8")
    roles = Counter(r for _, spans in dev + generated for *_, r in spans)
    print(f"as at {commit}: sealed {sorted({c.file for c in sealed})}")
    print(f"development: {stats}; dropped (entity not on a token boundary): {dropped_dev}")
    print(f"generated: {len(generated)} (dropped: {dropped_gen}); roles in all: {dict(roles)}")
    print(f"written: {', '.join(p.name for p in sorted(OUT.glob('*.yml')))}, manifest.json in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
