"""python -m policies_db build | list | match | show | check | draft | draft-proof"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from policies_db import load
from policies_db.authoring.cases import check_catalogue
from policies_db.authoring.digest import catalogue_digest
from policies_db.authoring.drafting.cli import add_commands as add_drafting_commands
from policies_db.authoring.loader import CATALOGUE_DIR, CatalogueError, load_catalogue
from policies_db.authoring.schema import CATEGORIES
from policies_db.authoring.store import DatabaseError, database_url, make_engine, write_catalogue
from policies_db.evaluation.citations import resolve_contacts, source_dict, validity_of
from policies_db.evaluation.engine import evaluate_compiled
from policies_db.profile import ProfileError
from policies_db.wording.report import evaluation_text, measure_text


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def cmd_build(args) -> int:
    started = time.perf_counter()
    catalogue = load_catalogue(args.catalogue)
    print(f"已校验 {len(catalogue.documents)} 份文件、{len(catalogue.measures)} 项措施（{args.catalogue}）", file=sys.stderr)
    url = database_url(args.db)
    engine = make_engine(url)
    try:
        write_catalogue(catalogue, engine, catalogue_digest(args.catalogue))
    finally:
        engine.dispose()
    print(f"已写入政策数据库 {_safe_url(url)}（{time.perf_counter() - started:.2f} 秒）", file=sys.stderr)
    return 0


def _measure_summary(compiled, measure) -> dict:
    document = compiled.documents[measure.document_id]
    return {
        "id": measure.id,
        "title": measure.title,
        "kind": measure.kind,
        "category": measure.category,
        "category_label": CATEGORIES[measure.category],
        "summary": measure.summary,
        "benefit": measure.benefit,
        "document": document.id,
        "document_title": document.title,
        "contacts": resolve_contacts(measure, document, {}),
        "source": source_dict(measure, document),
        "conditions_to_confirm": list(measure.conditions_to_confirm),
    }


def cmd_list(args) -> int:
    compiled = load(args.db)
    measures = [_measure_summary(compiled, m) for m in compiled.measures]
    if args.json:
        json.dump({"measures": measures}, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for m in measures:
            print(f"{m['id']:<34} {m['category_label']:<10} {m['title']}")
        print(f"共 {len(measures)} 项措施")
    return 0


def _read_profile(path: str) -> dict:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"无法读取企业画像文件 {path}：{exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"企业画像文件 {path} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}") from None


def cmd_match(args) -> int:
    compiled = load(args.db)
    evaluation = evaluate_compiled(compiled, _read_profile(args.profile), args.as_of)
    if args.json:
        json.dump(evaluation.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        sys.stdout.write(evaluation_text(evaluation))
    return 0


def cmd_show(args) -> int:
    compiled = load(args.db)
    if args.id not in compiled.index:
        close = [m.id for m in compiled.measures if args.id in m.id or m.id in args.id]
        hint = f"；是否要找：{', '.join(close[:5])}" if close else "；用 python -m policies_db list 查看全部编号"
        print(f"没有编号为 {args.id} 的措施{hint}", file=sys.stderr)
        return 2
    measure = compiled.measures[compiled.index[args.id]]
    document = compiled.documents[measure.document_id]
    if args.json:
        data = _measure_summary(compiled, measure)
        data["validity"] = validity_of(document, args.as_of)
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        sys.stdout.write(measure_text(measure, document, args.as_of))
    return 0


def cmd_check(args) -> int:
    report = check_catalogue(args.catalogue)
    for line in report.problems:
        print("✗ " + line)
    print(f"{report.cases} 个案例、{report.expectations} 项预期：{'全部通过' if report.ok else f'{len(report.problems)} 处问题'}")
    return 0 if report.ok else 1


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD，收到 {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m policies_db", description="服务外包政策目录与资格评估")
    p.add_argument("--db", help="数据库地址（默认 POLICIES_DB_URL 或 build/policies.db）")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="校验 catalogue/*.yml 并构建政策数据库")
    b.add_argument("--catalogue", type=Path, default=CATALOGUE_DIR)
    b.set_defaults(func=cmd_build)
    ls = sub.add_parser("list", help="列出全部措施")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    m = sub.add_parser("match", help="按企业画像评估")
    m.add_argument("--profile", required=True, help="企业画像 JSON 文件（- 表示标准输入）")
    m.add_argument("--as-of", type=_date, default=dt.date.today(), help="评估日期 YYYY-MM-DD（默认今天）")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_match)
    s = sub.add_parser("show", help="查看一项措施")
    s.add_argument("id")
    s.add_argument("--as-of", type=_date, default=dt.date.today())
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_show)
    c = sub.add_parser("check", help="校验目录、原文摘录和案例（不需要数据库）")
    c.add_argument("--catalogue", type=Path, default=CATALOGUE_DIR)
    c.set_defaults(func=cmd_check)
    add_drafting_commands(sub, CATALOGUE_DIR)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CatalogueError as exc:
        print(exc, file=sys.stderr)
        return 1
    except ProfileError as exc:
        print(f"企业画像有误：{exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 1
