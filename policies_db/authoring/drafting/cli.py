"""`python -m policies_db draft` and `python -m policies_db draft-proof`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from policies_db.authoring.drafting.draft import draft_text
from policies_db.authoring.drafting.proof import compare, expected_from_catalogue, expected_from_key, same_sentence

ENCODINGS = ("utf-8-sig", "gb18030")


class SourceError(ValueError):
    """A source text that cannot be read."""


def read_source(path: Path) -> str:
    if not path.is_file():
        raise SourceError(f"找不到原文文件：{path}")
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SourceError(f"{path} 既不是 UTF-8 也不是 GB18030 编码的文本；请另存为 UTF-8 纯文本后再试")
    if not text.strip():
        raise SourceError(f"{path} 是空文件")
    return text


def _catalogue_excerpts(directory: Path) -> list[tuple[str, str]]:
    """(measure id, excerpt) of every measure already encoded in a catalogue folder."""
    if not directory.is_dir():
        raise SourceError(f"目录文件夹不存在：{directory}")
    out = []
    for path in sorted(directory.glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for measure in raw.get("measures", []) if isinstance(raw, dict) else []:
            source = measure.get("source") or {}
            for key in ("excerpt", "also"):
                if source.get(key):
                    out.append((measure["id"], source[key]))
    return out


def annotate(draft: dict, directory: Path) -> None:
    """Mark the sentences a catalogue already encodes (read after drafting: the draft never depends on it)."""
    excerpts = _catalogue_excerpts(directory)
    for sentence in draft["sentences"]:
        ids = sorted({mid for mid, excerpt in excerpts for piece in excerpt.split("。") if piece
                      and same_sentence(piece, sentence["text"])})
        if ids:
            sentence["encoded_as"] = ids


def _print_draft(draft: dict) -> None:
    doc = draft["document"]
    print(f"《{doc['title']}》 {doc['issuer'] or '发文单位未识别'} {doc['number'] or '（无文号）'}")
    print(f"适用地区：{doc['jurisdiction'] or '未识别'}；施行：{doc['valid_from'] or '未载'} 至 {doc['valid_to'] or '未规定'}")
    for guess in doc["guesses"]:
        print(f"  推定 {guess}")
    summary = draft["summary"]
    for warning in summary["warnings"]:
        print(f"注意：{warning}")
    print(f"共 {summary['sentences']} 句，其中企业可办理或可受益的 {summary['actionable']} 句：")
    for sentence in draft["sentences"]:
        if not sentence["actionable"]:
            continue
        measure = sentence["measures"][0]
        contacts = "、".join(c["name"] for c in measure["contacts"]) or "未识别"
        print(f"- [{sentence['ref']}] {measure['title']}（{measure['kind']}）联系：{contacts}")


def cmd_draft(args) -> int:
    try:
        draft = draft_text(read_source(args.source))
        if args.catalogue is not None:
            annotate(draft, args.catalogue)
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        json.dump(draft, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_draft(draft)
    return 0


def proof_rows(catalogue_dir: Path, keys: list[tuple[Path, Path]]) -> list[tuple[str, dict]]:
    """Figures for every document of a catalogue folder (with its coverage) and every (text, answer key) pair."""
    rows = []
    sources = catalogue_dir.parent / "sources"
    for path in sorted(catalogue_dir.glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        doc = raw.get("document") if isinstance(raw, dict) else None
        if not doc or not doc.get("source_text"):
            continue
        text_path = catalogue_dir.parent / doc["source_text"]
        coverage_path = sources / (Path(doc["source_text"]).stem + ".coverage.yml")
        if not (text_path.is_file() and coverage_path.is_file()):
            continue
        coverage = yaml.safe_load(coverage_path.read_text(encoding="utf-8"))
        figures = compare(draft_text(read_source(text_path)), expected_from_catalogue(doc["id"], coverage, raw), doc)
        rows.append((doc["id"], figures.as_dict()))
    for text_path, key_path in keys:
        key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
        figures = compare(draft_text(read_source(text_path)), expected_from_key(key), key.get("document"))
        rows.append((text_path.stem, figures.as_dict()))
    return rows


def cmd_draft_proof(args) -> int:
    keys = []
    for pair in args.key or []:
        text, _, key = pair.partition("=")
        keys.append((Path(text), Path(key)))
    try:
        rows = proof_rows(args.catalogue, keys)
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        json.dump(dict(rows), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print("| 文件 | 答案句数 | 草稿可办理句 | 召回率 | 精确率 | 类型一致 | 责任单位齐全 | 条件事实 | 文件信息 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, f in rows:
        print(f"| {name} | {f['expected']} | {f['drafted']} | {f['recall']:.1%} | {f['precision']:.1%} | "
              f"{f['kind_agreement']} | {f['contacts_complete']} | {f['condition_facts']} | {f['document_facts']} |")
    if args.verbose:
        for name, f in rows:
            for key in ("missed", "extra", "kind_differs", "contacts_missing", "document_differs"):
                for line in f[key]:
                    print(f"{name} {key}: {line}")
    return 0


def add_commands(sub, catalogue_dir: Path) -> None:
    d = sub.add_parser("draft", help="从政策原文起草措施（不读取该文件已有的编码）")
    d.add_argument("--source", type=Path, required=True, help="原文纯文本文件（UTF-8 或 GB18030）")
    d.add_argument("--catalogue", type=Path, default=None,
                   help="已有目录文件夹：起草后标出已编码的句子（空文件夹即不参考任何已有编码）")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_draft)
    p = sub.add_parser("draft-proof", help="草稿与人工编码（或独立答案）对照：召回率、精确率、类型、责任单位、条件")
    p.add_argument("--catalogue", type=Path, default=catalogue_dir)
    p.add_argument("--key", action="append", metavar="TEXT=KEY.yml", help="另一份原文及其独立编写的答案")
    p.add_argument("--json", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true", help="列出漏标、多标和不一致之处")
    p.set_defaults(func=cmd_draft_proof)
