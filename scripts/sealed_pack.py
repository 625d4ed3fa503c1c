"""Build the materials a sealed-batch writer reads, and nothing else (docs/evaluation.md, "Sealed batches").

    .venv/bin/python scripts/sealed_pack.py OUT_DIR

OUT_DIR gets: the two policy texts, the profile facts with their Chinese labels, the measures (id, title,
conditions in words, contacts, article), the conversation format, the brief, and `validate.py` — a standalone
checker (PyYAML only) that the writer runs on its file. The writer never needs the repository: it should be
given OUT_DIR alone, outside the project folder.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
BRIEF = ROOT.parent / "shared" / "evaluation" / "sealed-batch-brief.md"
sys.path.insert(0, str(ROOT))

from policies_db.profile import FIELDS  # noqa: E402

CHECKLIST_NOTE = (
    "The assistant may ask several yes/no facts at once as a numbered checklist (`situations`). In `answers`, "
    "`situations` gives a map item → true/false, with `default` for the items offered but not named "
    "(`default: null` = 其他不清楚)."
)


def _criteria_words(node) -> list[str]:
    if not node:
        return []
    if "text" in node and "field" in node:
        return [node["text"]]
    for key, joiner in (("all", " 且 "), ("any", " 或 ")):
        if key in node:
            parts = [" / ".join(_criteria_words(child)) for child in node[key]]
            return [joiner.join(p for p in parts if p)]
    if "not" in node:
        return ["并非：" + " / ".join(_criteria_words(node["not"]))]
    return []


def _measures_md() -> str:
    out = ["# The measures (ids to use in must_include / must_exclude)\n"]
    for path in sorted((ROOT / "policies_db" / "catalogue").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc = data["document"]
        out.append(f"\n## {doc.get('title', path.stem)} ({doc.get('issuer', '')}, {doc.get('number', '')})\n")
        for m in data["measures"]:
            src = m.get("source", {})
            out.append(f"- **{m['id']}** — {m['title']}（{src.get('section', '')}）")
            for words in _criteria_words(m.get("criteria")):
                out.append(f"  - conditions: {words}")
            for cond in m.get("conditions_to_confirm", []) or []:
                out.append(f"  - to confirm (not a profile fact): {cond}")
            units = m.get("contacts") or (doc.get("responsible_units") or {}).get(src.get("task")) or []
            if units:
                out.append(f"  - contacts: {'、'.join(u if isinstance(u, str) else u.get('name', '') for u in units)}")
    return "\n".join(out) + "\n"


def _fields_md() -> str:
    rows = ["# The firm profile's facts\n", "| field | kind | meaning | values |", "|---|---|---|---|"]
    for name, spec in FIELDS.items():
        values = {"city": "a city name, e.g. 杭州, 武汉, 苏州", "province": "a province, e.g. 浙江",
                  "bool": "true / false", "int": "a number", "list": ""}[spec.kind]
        if spec.kind == "list":
            values = ", ".join(f"{k}（{v}）" for k, v in spec.choices.items())
        rows.append(f"| {name} | {spec.kind} | {spec.label} | {values} |")
    rows += ["", CHECKLIST_NOTE, ""]
    return "\n".join(rows)


def _format_md() -> str:
    text = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    start = text.index("## Writing a conversation")
    end = text.index("## Sealed batches")
    return "# The conversation file format\n\n" + text[start:end].replace(
        "Write from a realistic firm description and the policy\ntexts (`/work/shared/seeds/`, `policies_db/sources/`)",
        "Write from a realistic firm description and the policy\ntexts (`texts/`)")


VALIDATOR = '''"""python3 validate.py FILE.yml — checks a sealed batch file's shape, ids, fields and values."""
import sys
import yaml

MEASURES = set(%(measures)s)
FIELDS = %(fields)s
KINDS = {"statement", "answer", "question", "smalltalk", "offtopic", "command"}


def check_value(field, value, where, problems):
    kind, choices = FIELDS[field]
    if value is None:
        return
    if kind == "bool" and not isinstance(value, bool):
        problems.append(f"{where}: {field} should be true/false, got {value!r}")
    if kind == "int" and not isinstance(value, int):
        problems.append(f"{where}: {field} should be a number, got {value!r}")
    if kind == "list":
        if not isinstance(value, list) or any(v not in choices for v in value):
            problems.append(f"{where}: {field} should be a list of {sorted(choices)}, got {value!r}")
    if kind in ("city", "province") and not isinstance(value, str):
        problems.append(f"{where}: {field} should be a name, got {value!r}")


def check_means(field, means, where, problems):
    if field == "situations" or isinstance(means, dict):
        for k, v in (means or {}).items():
            if k == "default" or str(k).startswith("#"):
                continue
            if k not in FIELDS:
                problems.append(f"{where}: unknown field {k!r}")
            else:
                check_value(k, v, where, problems)
    elif field in FIELDS:
        check_value(field, means, where, problems)


ANSWER_KEYS = {"say", "means", "kind", "no_results", "reply_has", "reply_has_any", "reply_lacks"}


def check_keys(ans, where, problems):
    unknown = set(ans) - ANSWER_KEYS
    if unknown:  # {say: BPO I guess, data labeling} — a comma splits an unquoted say
        problems.append(f"{where}: unknown keys {sorted(map(str, unknown))} (quote a say that holds a comma)")


def check_answers(answers, where, problems):
    for field, ans in (answers or {}).items():
        if field not in FIELDS and field not in ("situations", "default"):
            problems.append(f"{where}: unknown question {field!r}")
        if isinstance(ans, dict):
            check_keys(ans, f"{where}.{field}", problems)
            if "say" not in ans:
                problems.append(f"{where}.{field}: an answer needs say")
            if "means" in ans:
                check_means(field, ans["means"], f"{where}.{field}", problems)


def main(path):
    problems, ids = [], set()
    data = yaml.safe_load(open(path, encoding="utf-8"))
    for conv in data.get("conversations", []):
        cid = conv.get("id")
        if not cid or cid in ids:
            problems.append(f"missing or repeated id {cid!r}")
        ids.add(cid)
        for i, turn in enumerate(conv.get("turns", []) + conv.get("after", [])):
            if isinstance(turn, dict) and "answers" in turn:
                check_answers(turn["answers"], f"{cid} turn {i}", problems)
            elif isinstance(turn, dict):
                check_keys(turn, f"{cid} turn {i}", problems)
                if "say" not in turn:
                    problems.append(f"{cid} turn {i}: needs say")
                if turn.get("kind", "statement") not in KINDS:
                    problems.append(f"{cid} turn {i}: unknown kind {turn.get('kind')!r}")
                if "means" in turn:
                    check_means(None, turn["means"], f"{cid} turn {i}", problems)
        check_answers(conv.get("answers"), f"{cid} answers", problems)
        answers = conv.get("answers") or {}
        for field, value in (conv.get("facts") or {}).items():
            if field not in FIELDS:
                problems.append(f"{cid} facts: unknown field {field!r}")
            else:
                check_value(field, value, f"{cid} facts", problems)
            if isinstance(answers.get(field), dict) and answers[field].get("means") == value:
                # Not a problem: a note. `facts` are what the scripted turns state; an answer adds its means when sent.
                print(f"note: {cid} facts.{field} repeats answers.{field}.means — keep it only if a scripted turn states it")
        expect = conv.get("expect") or {}
        for key in ("must_include", "must_exclude"):
            for mid in expect.get(key, []) or []:
                if mid not in MEASURES:
                    problems.append(f"{cid} {key}: unknown measure {mid!r}")
        if not conv.get("tags"):
            problems.append(f"{cid}: no tags")
    for p in problems:
        print(p)
    print(f"{len(ids)} conversations, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
'''


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    texts = out / "texts"
    texts.mkdir(exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, texts / seed.name)
    (out / "brief.md").write_text(BRIEF.read_text(encoding="utf-8"), encoding="utf-8")
    (out / "profile_fields.md").write_text(_fields_md(), encoding="utf-8")
    (out / "measures.md").write_text(_measures_md(), encoding="utf-8")
    (out / "format.md").write_text(_format_md(), encoding="utf-8")
    measures = sorted(m["id"] for p in (ROOT / "policies_db" / "catalogue").glob("*.yml")
                      for m in yaml.safe_load(p.read_text(encoding="utf-8"))["measures"])
    fields = {name: [spec.kind, sorted(spec.choices)]
              for name, spec in FIELDS.items()}
    (out / "validate.py").write_text(VALIDATOR % {"measures": json.dumps(measures, ensure_ascii=False),
                                                   "fields": json.dumps(fields, ensure_ascii=False)},
                                     encoding="utf-8")
    print(f"pack written to {out}: {len(measures)} measures, {len(fields)} fields")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
