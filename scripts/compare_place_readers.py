"""Issue 19 experiment: the rule reader's firm city against DIET's `place` role `firm`, on held-out messages.

Test sets — DIET never saw them (build/roles/manifest.json: the data was built as at one commit, leaving them out; a
message whose text is in the training data anyway is dropped and counted):
  sealed <commit>  tests/sealed/*.yml now (frozen at <commit>) and, if the data was built at an earlier sealed batch,
                   that batch too (from build/roles/at-<commit>/): each a first contact for DIET;
  dev S–U          the development files of place_mentions.HELD_OUT_BATCHES, as at the data's commit. The rules were
                   fitted to these conversations: a test for DIET only.
Every user message of a conversation that names at least one place (place_mentions.mentions) is read by:
  rules         the production model (models/policy-assistant.tar.gz) with the rule code of the working tree: its `city`
                entity, resolved in the message. The rules run from the code at parse time, and the working tree is
                fitted to a sealed batch as soon as it has been run once;
  rules, blind  the same model with bot/ and policies_db/ as they were when the set's batch was frozen (the set's
                commit, build/roles/at-<commit>/): the rules as blind to the batch as DIET (the model's intents and
                vocabulary patterns are today's);
  DIET          build/roles/models/roles.tar.gz: the last `place` entity with role `firm` (names written together read
                as one), resolved the same way;
and combinations of the blind rules with DIET. Gold: the conversation's expected city when one of the message's places
is it, else none. A city set that is not the gold is the costly error (the firm is judged by another region's
documents); a gold city missed only costs a question (the form asks the city) — and is partly label noise: the firm's
own city named as its clients' or in a measure's name (「客户都是杭州本地的」「打造武汉设计品牌那条」) is gold too.
Ambiguous names and provinces alone set no city.

    PYTHONPATH=. .venv/bin/python scripts/compare_place_readers.py [--limit N]
Writes build/roles/comparison.md (the table), build/roles/disagreements.md (the messages the readers differ on) and
build/roles/comparison.json (every message with every reader's city).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("POLICY_SKIP_STARTUP_CHECK", "1")

from bot.nlu.normalize import normalize  # noqa: E402
from policies_db.evaluation import places  # noqa: E402
from scripts.place_mentions import (  # noqa: E402
    expected_key,
    gold_city,
    is_held_out,
    keys_of,
    mentions,
    sealed_commit,
    snapshot,
)

RULES_MODEL = ROOT / "models" / "policy-assistant.tar.gz"
BLIND = "rules, blind"
MARKUP = re.compile(r'\[([^\]]+)\]\{[^}]*\}')  # [杭州]{"entity": …} in build/roles/*.yml
ROLES_MODEL = ROOT / "build" / "roles" / "models" / "roles.tar.gz"
OUT = ROOT / "build" / "roles"
ONE_PLACE_GAPS = {"", "的", "市", "省", " ", "那个", "这个", "的那个"}  # places_roles.yml same_place_gap(_weak)

# Parses messages with the production model in a process of its own, so that `bot` is imported from the code directory
# given (its cwd: '' comes first on sys.path).
PARSE = """
import asyncio, json, sys
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
texts = json.load(open(sys.argv[2], encoding="utf-8"))
async def parse():
    return [await agent.parse_message(t) for t in texts]
json.dump([{"text": p["text"], "entities": p["entities"]} for p in asyncio.run(parse())],
          open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
"""
# Each combination: (rules city, DIET firm city, cities DIET labels `other`) → the city set.
COMBINATIONS: dict[str, Callable] = {
    "rules, DIET where rules set none": lambda r, d, o: r or d,
    "rules, DIET vetoes a city it labels other": lambda r, d, o: None if r and r in o and d != r else r,
    "veto + fill": lambda r, d, o: (d if r in o and d != r else r) if r else d,
    "only where both agree": lambda r, d, o: r if r == d else None,
}


def city_of(value: str, context: str) -> str | None:
    """A reader's place text → the city it sets: one city (or a place abroad); ambiguous, province alone: none."""
    resolution = places.resolve(value, context=context)
    keys = keys_of(resolution)
    return next(iter(keys)) if resolution.status in (places.RESOLVED, places.ABROAD) and len(keys) == 1 else None


def rules_city(parsed: dict) -> str | None:
    cities = [e for e in parsed.get("entities", []) if e.get("entity") == "city"]
    return city_of(str(cities[-1]["value"]), parsed["text"]) if cities else None


def diet_cities(parsed: dict) -> tuple[str | None, set]:
    """The firm's city by DIET (its last `firm` place, neighbours read together) and the cities it labels `other`."""
    text = parsed["text"]
    places_found = sorted((e for e in parsed.get("entities", []) if e.get("entity") == "place"), key=lambda e: e["start"])
    groups: list[list[dict]] = []
    for e in (e for e in places_found if e.get("role") == "firm"):
        if groups and text[groups[-1][-1]["end"]:e["start"]] in ONE_PLACE_GAPS:
            groups[-1].append(e)
        else:
            groups.append([e])
    firm = city_of(text[groups[-1][0]["start"]:groups[-1][-1]["end"]], text) if groups else None
    other = {k for e in places_found if e.get("role") == "other"
             for k in keys_of(places.resolve(text[e["start"]:e["end"]], context=text))}
    return firm, other


def training_texts() -> set[str]:
    return {MARKUP.sub(r"\1", line[6:]) for path in OUT.glob("*.yml") if path.name != "features.yml"
            for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("    - ")}


def test_sets(manifest: dict) -> list[tuple[str, list, str]]:
    """(name, conversations, the commit the rules are blind at) of every test set."""
    from tests.eval.corpus import SEALED_DIR, load_corpus

    built, now = manifest["commit"], sealed_commit()
    then = snapshot(built)
    sets = [(f"sealed {now[:7]}", load_corpus(SEALED_DIR), now)]
    if built != now:
        sets.append((f"sealed {built[:7]}", load_corpus(then / "tests" / "sealed"), built))
    held_out = [c for c in load_corpus(then / "tests" / "conversations") if is_held_out(c.file)]
    return [*sets, ("dev S–U", held_out, built)]


def test_messages(conversations, known: set[str], limit: int | None) -> tuple[list[tuple[str, str | None, str]], int]:
    """(message, gold city, conversation id), each (message, gold) once; and how many were left out as trained on."""
    seen, rows, trained_on = set(), [], 0
    for c in conversations:
        city = c.described_profile().get("city")
        for turn in [*c.turns, c.answers, *c.after]:
            for answer in [*turn.by_slot.values(), *([turn.default] if turn.default else [])]:
                said = normalize(answer.say)
                if not city or not mentions(said):
                    continue
                gold = gold_city(said, city)
                if (said, gold) in seen:
                    continue
                seen.add((said, gold))
                if " ".join(said.split()) in known:
                    trained_on += 1
                    continue
                rows.append((answer.say, gold, c.id))
    return (rows[:limit] if limit else rows), trained_on


def parse_with_rules(texts: list[str], code: Path) -> list[dict]:
    """The production model's parses, with the rule code of `code` (a directory holding bot/ and policies_db/)."""
    with tempfile.TemporaryDirectory() as tmp:
        given, parsed = Path(tmp) / "texts.json", Path(tmp) / "parsed.json"
        given.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(code), str(ROOT)])}
        subprocess.run([sys.executable, "-c", PARSE, str(RULES_MODEL), str(given), str(parsed)], cwd=code, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.loads(parsed.read_text(encoding="utf-8"))


async def read_all(rows, diet, by_rules: dict[str, dict[str, dict]]) -> list[dict]:
    """Every reader's city for every message (`by_rules`: reader → text → the production model's parse)."""
    out = []
    for text, gold, cid in rows:
        parsed_diet = await diet.parse_message(text)
        firm, other = diet_cities(parsed_diet)
        row = {"text": text, "gold": gold, "id": cid, "DIET": firm, "other": other,
               "diet_places": [(parsed_diet["text"][e["start"]:e["end"]], e.get("role"))
                               for e in parsed_diet.get("entities", [])]}
        row.update({name: rules_city(parsed[text]) for name, parsed in by_rules.items()})
        for name, combine in COMBINATIONS.items():
            row[name] = combine(row[BLIND], row["DIET"], row["other"])
        out.append(row)
    return out


def score(rows: list[dict], reader: str) -> dict:
    said = [r for r in rows if r[reader]]
    with_gold = [r for r in rows if r["gold"]]
    right_set = sum(1 for r in said if r[reader] == r["gold"])
    return {"messages": len(rows), "right": sum(1 for r in rows if r[reader] == r["gold"]),
            "wrong city set": len(said) - right_set,
            "firm city missed": sum(1 for r in with_gold if not r[reader]),
            "precision": right_set / len(said) if said else float("nan"),
            "recall": sum(1 for r in with_gold if r[reader] == r["gold"]) / len(with_gold) if with_gold else float("nan")}


def table(results: dict[str, list[dict]]) -> str:
    head = "| set | reader | messages (gold city / none) | right | wrong city set | firm city missed | precision | recall |"
    lines = [head, "|" + "---|" * 8]
    for name, rows in results.items():
        golds = sum(1 for r in rows if r["gold"])
        for reader in ["rules", BLIND, "DIET", *COMBINATIONS]:
            s = score(rows, reader)
            lines.append(f"| {name} | {reader} | {s['messages']} ({golds} / {s['messages'] - golds}) | {s['right']} | "
                         f"{s['wrong city set']} | {s['firm city missed']} | {s['precision']:.1%} | {s['recall']:.1%} |")
    return "\n".join(lines) + "\n"


def disagreements(results: dict[str, list[dict]]) -> str:
    lines = [f"| set | conversation | message | gold | rules | {BLIND} | DIET | DIET's places |", "|" + "---|" * 8]
    for name, rows in results.items():
        for r in rows:
            if len({r["rules"], r[BLIND], r["DIET"]}) > 1:
                places_said = ", ".join(f"{t}:{role}" for t, role in r["diet_places"])
                lines.append(f"| {name} | {r['id']} | {r['text'].replace('|', '/')} | {r['gold'] or '—'} | "
                             f"{r['rules'] or '—'} | {r[BLIND] or '—'} | {r['DIET'] or '—'} | {places_said} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="at most this many messages per set (a quick look)")
    args = parser.parse_args(argv)
    manifest_file = OUT / "manifest.json"
    for needed in (RULES_MODEL, ROLES_MODEL, manifest_file):
        if not needed.exists():
            print(f"missing {needed}: make train; scripts/place_roles_data.py; rasa train nlu (bench/roles/config.yml)")
            return 1
    from rasa.core.agent import Agent

    began = time.monotonic()
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    known = training_texts()
    sets, left_out = [], {}
    for name, conversations, commit in test_sets(manifest):
        rows, left_out[name] = test_messages(conversations, known, args.limit)
        sets.append((name, rows, commit))
    # Each rule code parses all the texts it reads at once (one model load per code directory).
    codes = {"working tree": ROOT, **{commit: snapshot(commit) for _, _, commit in sets}}
    wanted = {code: sorted({t for _, rows, c in sets for t, _, _ in rows if code in ("working tree", c)})
              for code in codes}
    parsed = {code: dict(zip(wanted[code], parse_with_rules(wanted[code], path))) for code, path in codes.items()}
    diet = Agent.load(str(ROLES_MODEL))
    results = {name: asyncio.run(read_all(rows, diet, {"rules": parsed["working tree"], BLIND: parsed[commit]}))
               for name, rows, commit in sets}
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(RULES_MODEL.stat().st_mtime))
    header = (f"Place readers on held-out messages (scripts/compare_place_readers.py, {time.strftime('%Y-%m-%d %H:%M')})."
              f" rules = {RULES_MODEL.name} of {stamp} with the working tree's rule code; {BLIND} = the same model with"
              f" bot/ and policies_db/ as at the set's commit; DIET = build/roles/models/{ROLES_MODEL.name}, data built"
              f" as at {manifest['commit'][:7]}; combinations use {BLIND}. Cities as the profile stores them"
              f" (义乌 → {expected_key('义乌')}). Messages left out as trained on: {left_out}.\n\n")
    text = header + table(results)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "comparison.md").write_text(text, encoding="utf-8")
    (OUT / "disagreements.md").write_text(disagreements(results), encoding="utf-8")
    rows = {name: [{**r, "other": sorted(r["other"])} for r in found] for name, found in results.items()}
    (OUT / "comparison.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(text)
    print(f"{time.monotonic() - began:.0f} s; written: {OUT / 'comparison.md'}, {OUT / 'disagreements.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
