"""The policy officer's work on one document, from the uploaded text to the published catalogue (issue 22).

A workspace holds the source text, the draft, the officer's decision on every sentence (accepted — with the
measure as edited —, or not encoded with a reason), the document's facts and the cases. It is a JSON file per
document under WORKBENCH_DIR (default build/workbench): nothing is lost on a restart. Every check runs on the
files the workspace would publish, written into a scratch copy of the live catalogue, with the same
`check_catalogue` that `python -m policies_db check` runs — so what the workbench accepts, the CLI accepts.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from policies_db.authoring.cases import ACTORS, check_catalogue
from policies_db.authoring.cases import sentences as coverage_sentences
from policies_db.authoring.drafting.draft import draft_text
from policies_db.authoring.drafting.structure import UNITS_OPEN, squash
from policies_db.authoring.loader import CATALOGUE_DIR, CatalogueError, check_measure, load_catalogue
from policies_db.authoring.schema import CATEGORIES, KINDS
from policies_db.evaluation.engine import CompiledCatalogue, evaluate_compiled
from policies_db.profile import FIELDS

DEFAULT_DIR = Path(__file__).resolve().parents[3] / "build" / "workbench"
ID_SAFE = re.compile(r"^[0-9a-f]{12}$")
NUMBERING_BEFORE = re.compile(r"(第[一二三四五六七八九十百零〇]{1,5}条|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、])+$")
DOC_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
OUTSIDE_CITIES = ("北京", "广州", "成都", "西安")  # an ineligible case: a firm registered outside the jurisdiction
CASE_DATE = dt.date(2024, 6, 30)  # check_catalogue's default `as_of`; cases carry their own date when needed
_lock = threading.Lock()


class WorkspaceError(ValueError):
    """Bad input from the officer: the message is shown as is (Chinese)."""


def workbench_dir() -> Path:
    return Path(os.environ.get("WORKBENCH_DIR") or DEFAULT_DIR)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class Workspace:
    data: dict

    @property
    def id(self) -> str:
        return self.data["id"]

    # ---- storage --------------------------------------------------------------------------------------
    @staticmethod
    def path_of(ws_id: str) -> Path:
        if not ID_SAFE.match(ws_id or ""):
            raise WorkspaceError("无效的文稿编号")
        return workbench_dir() / f"{ws_id}.json"

    @classmethod
    def create(cls, text: str, source_name: str = "") -> "Workspace":
        if not text or not text.strip():
            raise WorkspaceError("原文为空：请粘贴或上传政策文件的纯文本")
        if len(text) > 200_000:
            raise WorkspaceError("原文过长（超过 20 万字）：请只上传一份文件")
        draft = draft_text(text)
        doc = draft["document"]
        document = {k: doc.get(k) for k in ("title", "issuer", "number", "issued_on", "valid_from", "valid_to",
                                            "jurisdiction", "addressed_to")}
        document.update(id="", id_prefix="", title_note=None, date_note=None,
                        number_note=None if doc.get("number") else "原文未载文号",
                        validity_note=None if doc.get("valid_to") else "原文未规定有效期截止日期")
        data = {"id": uuid.uuid4().hex[:12], "created": _now(), "source_name": source_name, "text": text,
                "document": document, "guesses": doc["guesses"], "cases": [], "edits": 0, "history": [],
                "explained": [], "published": None, "sentences": []}
        for i, s in enumerate(draft["sentences"]):
            data["sentences"].append({"index": i, "ref": s["ref"], "text": s["text"], "actionable": s["actionable"],
                                      "kind": s["kind"], "why": s["why"],
                                      "draft": s["measures"][0] if s["measures"] else None,
                                      "decision": None, "measure": None, "reason": None})
        ws = cls(data)
        ws.save()
        return ws

    @classmethod
    def load(cls, ws_id: str) -> "Workspace":
        path = cls.path_of(ws_id)
        if not path.is_file():
            raise WorkspaceError("找不到该文稿（可能已被删除）")
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def all(cls) -> list[dict]:
        directory = workbench_dir()
        out = []
        for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append({"id": data["id"], "title": data["document"].get("title"), "created": data["created"],
                        "published": data["published"]})
        return sorted(out, key=lambda d: d["created"], reverse=True)

    def save(self) -> None:
        path = self.path_of(self.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)  # atomic: a crash never leaves half a file

    def _log(self, action: str, index: Optional[int] = None) -> None:
        self.data["history"].append({"at": _now(), "action": action, "index": index})
        if action in ("edit", "not_encoded", "document"):
            self.data["edits"] += 1

    # ---- the document -----------------------------------------------------------------------------------
    def set_document(self, fields: dict) -> list[str]:
        allowed = set(self.data["document"])
        unknown = set(fields) - allowed
        if unknown:
            raise WorkspaceError(f"未知的文件信息：{'、'.join(sorted(unknown))}")
        document = {**self.data["document"], **{k: (v or None) if isinstance(v, str) else v for k, v in fields.items()}}
        problems = []
        if document.get("id") and not DOC_ID.match(document["id"]):
            problems.append("文件编号应为小写字母、数字和连字符，例如 hefei-2025")
        if document.get("id_prefix") and not re.fullmatch(r"[a-z]+", document["id_prefix"]):
            problems.append("措施编号前缀应为小写字母，例如 hf")
        if problems:
            return problems
        self.data["document"] = document
        self._log("document")
        self.save()
        return []

    def document_yaml(self) -> dict:
        doc = {k: v for k, v in self.data["document"].items() if v not in (None, "")}
        doc["source_text"] = f"sources/{self.data['document']['id']}.txt"
        for key in ("issued_on", "valid_from", "valid_to"):
            if doc.get(key):
                doc[key] = dt.date.fromisoformat(str(doc[key]))
        return doc

    # ---- sentences ----------------------------------------------------------------------------------------
    def sentence(self, index: int) -> dict:
        try:
            return self.data["sentences"][index]
        except (IndexError, TypeError):
            raise WorkspaceError(f"没有第 {index} 句") from None

    def measure_from_draft(self, sentence: dict) -> dict:
        """The draft in the catalogue's format (what the edit form starts from)."""
        draft = sentence["draft"] or {}
        prefix = self.data["document"].get("id_prefix") or "xx"
        criteria = draft.get("criteria") or {"field": "service_types", "op": "nonempty",
                                             "text": "从事服务外包业务（ITO、BPO或KPO）"}
        contacts = [c["name"] if not c.get("listed_as") or c["listed_as"] == c["name"]
                    else {"name": c["name"], "listed_as": c["listed_as"]} for c in draft.get("contacts", [])]
        number = sentence["index"] + 1  # as the page numbers the sentences
        return {"id": f"{prefix}-s{number:03d}", "title": draft.get("title") or sentence["text"][:20],
                "kind": draft.get("kind") or sentence.get("kind") or "direction",
                "category": draft.get("category") or "enterprise_development",
                "summary": sentence["text"], "benefit": draft.get("benefit") or sentence["text"],
                "criteria": criteria, "contacts": contacts,
                "conditions_to_confirm": draft.get("conditions_to_confirm") or [],
                "source": {"section": (draft.get("source") or {}).get("article") or sentence["ref"],
                           "excerpt": sentence["text"]}}

    def decide(self, index: int, decision: str, measure: Optional[dict] = None, reason: str = "") -> list[str]:
        """accept (the draft as it is), edit (the measure as the officer wrote it), not_encoded (with a reason),
        undo. Returns the problems that stop it (nothing is stored then)."""
        sentence = self.sentence(index)
        if decision == "undo":
            sentence.update(decision=None, measure=None, reason=None)
        elif decision == "not_encoded":
            if not reason.strip():
                return ["请写明不编码的原因（例如：发展目标、部门内部工作、标题）"]
            sentence.update(decision="not_encoded", measure=None, reason=reason.strip())
        elif decision in ("accept", "edit"):
            chosen = measure if decision == "edit" else self.measure_from_draft(sentence)
            if not isinstance(chosen, dict):
                raise WorkspaceError("缺少措施内容")
            chosen = {**chosen, "source": {**(chosen.get("source") or {}), "excerpt": sentence["text"]}}
            problems = self.check_one(chosen, index)
            if problems:
                return problems
            sentence.update(decision="accepted", measure=chosen, reason=None)
        else:
            raise WorkspaceError(f"未知的操作：{decision}")
        self._log("edit" if decision == "edit" else decision, index)
        self.save()
        return []

    def accept_proposed_reasons(self) -> int:
        """Every undecided sentence the drafter found nothing to act on: not encoded, for the drafter's reason."""
        n = 0
        for s in self.data["sentences"]:
            if s["decision"] is None and not s["actionable"]:
                s.update(decision="not_encoded", reason="；".join(s["why"]) or "无企业可办理事项")
                n += 1
        self._log("accept_reasons")
        self.save()
        return n

    def explain(self, sentence: str, reason: str) -> None:
        """A coverage sentence the draft did not isolate (a signature, a table cell): not encoded, with a reason."""
        if not reason.strip() or squash(sentence) not in squash(self.data["text"]):
            raise WorkspaceError("请写明原因，且句子须出自原文")
        self.data["explained"].append({"sentence": squash(sentence), "reason": reason.strip()})
        self._log("not_encoded")
        self.save()

    def check_one(self, measure: dict, index: int) -> list[str]:
        ids = {s["measure"]["id"] for s in self.data["sentences"]
               if s["measure"] and s["index"] != index}
        problems = [f"措施编号 {measure.get('id')} 已被本文件的另一句使用"] if measure.get("id") in ids else []
        return problems + check_measure(self._document_for_check(), measure)

    def _document_for_check(self) -> dict:
        doc = self.document_yaml()
        doc.setdefault("id", "draft")
        doc["id"] = doc["id"] or "draft"
        return doc

    def measures(self) -> list[dict]:
        return [s["measure"] for s in self.data["sentences"] if s["decision"] == "accepted"]

    # ---- coverage -------------------------------------------------------------------------------------
    def coverage_yaml(self) -> dict:
        encoded, not_encoded = [], []
        pieces = list(dict.fromkeys(coverage_sentences(self.data["text"])))

        source = squash(self.data["text"])

        def as_written(text: str) -> str:
            # The check's pieces keep the numbering (第一条…, （二）…) the draft strips: cite the text with it.
            at = source.find(text)
            number = NUMBERING_BEFORE.search(source[max(0, at - 8):at]) if at > 0 else None
            return number.group(0) + text if number else text

        for s in self.data["sentences"]:
            if s["decision"] == "accepted":
                encoded.append({"sentence": as_written(s["text"]), "measures": [s["measure"]["id"]]})
            elif s["decision"] == "not_encoded":
                not_encoded.append({"sentence": as_written(s["text"]), "reason": s["reason"]})
        not_encoded += [dict(e) for e in self.data["explained"]]
        entries = [squash(e["sentence"]) for e in encoded + not_encoded]
        for piece in pieces:
            if ACTORS.search(piece) and not any(piece in e for e in entries) and UNITS_OPEN.match(piece):
                not_encoded.append({"sentence": piece, "reason": "责任单位列表，已作为所在任务各项措施的联系部门"})
        return {"document": self.data["document"].get("id"), "encoded": encoded, "not_encoded": not_encoded}

    def progress(self) -> dict:
        coverage = self.coverage_yaml()
        entries = [squash(e["sentence"]) for e in coverage["encoded"] + coverage["not_encoded"]]
        needed = [p for p in dict.fromkeys(coverage_sentences(self.data["text"])) if ACTORS.search(p)]
        pending = [p for p in needed if not any(p in e for e in entries)]
        undecided_actionable = [s["index"] for s in self.data["sentences"] if s["actionable"] and s["decision"] is None]
        return {"needed": len(needed), "done": len(needed) - len(pending), "pending": pending,
                "accepted": len(coverage["encoded"]), "undecided_actionable": undecided_actionable,
                "edits": self.data["edits"]}

    # ---- cases ----------------------------------------------------------------------------------------
    def add_case(self, name: str, profile: dict, expect: dict) -> None:
        if not name.strip() or not isinstance(profile, dict) or not expect:
            raise WorkspaceError("案例须有名称、企业情况和至少一项预期结果")
        self.data["cases"].append({"name": name.strip(), "profile": profile, "expect": expect})
        self._log("case")
        self.save()

    def generated_cases(self) -> list[dict]:
        """For every accepted measure, a firm that meets its conditions and one registered outside the
        jurisdiction — each kept only if the engine agrees (verified when checked)."""
        out = []
        jurisdiction = self.data["document"].get("jurisdiction") or ""
        inside = _city_inside(jurisdiction)
        outside = next((c for c in OUTSIDE_CITIES if c not in jurisdiction), "北京")
        for measure in self.measures():
            profile = satisfy(measure["criteria"])
            if profile is None or inside is None:
                continue
            out.append({"name": f"符合：{measure['title']}", "profile": {"city": inside, **profile},
                        "expect": {measure["id"]: "eligible"}, "generated": True})
            out.append({"name": f"不在{jurisdiction}注册：{measure['title']}", "profile": {"city": outside, **profile},
                        "expect": {measure["id"]: "ineligible"}, "generated": True})
        return out

    def cases_yaml(self) -> list[dict]:
        return [{k: v for k, v in c.items() if k != "generated"} for c in self.generated_cases() + self.data["cases"]]

    # ---- the files it would publish ------------------------------------------------------------------------
    def files(self) -> dict[str, str]:
        """Repository-relative path (from the catalogue folder's parent) → content."""
        doc_id = self.data["document"].get("id")
        if not doc_id:
            raise WorkspaceError("请先填写文件编号（例如 hefei-2025）和措施编号前缀")
        if not self.measures():
            raise WorkspaceError("还没有接受任何措施")
        catalogue = {"document": self.document_yaml(), "measures": self.measures()}
        header = f"# {self.data['document'].get('title')}\n# 由政策录入工作台生成（{_now()}），原文见 sources/{doc_id}.txt\n"
        dump = lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
        return {f"sources/{doc_id}.txt": self.data["text"],
                f"catalogue/{doc_id}.yml": header + dump(catalogue),
                f"sources/{doc_id}.coverage.yml": dump(self.coverage_yaml()),
                f"catalogue/cases/{doc_id}.yml": dump(self.cases_yaml())}

    def scratch(self, live: Path) -> Path:
        """A scratch copy of the live catalogue folder's parent with this workspace's files written in."""
        root = Path(tempfile.mkdtemp(prefix="workbench-"))
        shutil.copytree(live, root / "catalogue")
        if (live.parent / "sources").is_dir():
            shutil.copytree(live.parent / "sources", root / "sources")
        for rel, content in self.files().items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        return root

    def check(self, live: Path = CATALOGUE_DIR) -> dict:
        """`policies_db check` on what would be published; the cases the engine disagrees with are dropped
        from the generated ones first (the officer sees which)."""
        root = self.scratch(live)
        try:
            report = check_catalogue(root / "catalogue")
            return {"ok": report.ok, "problems": report.problems, "cases": report.cases,
                    "expectations": report.expectations}
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def try_profile(self, profile: dict, live: Path = CATALOGUE_DIR, as_of: Optional[dt.date] = None) -> dict:
        """Evaluate a firm against the catalogue as it would be published: this document's measures."""
        root = self.scratch(live)
        try:
            try:
                compiled = CompiledCatalogue(load_catalogue(root / "catalogue"))
            except CatalogueError as exc:
                raise WorkspaceError("目录有误：" + "；".join(exc.problems[:3])) from None
            try:
                evaluation = evaluate_compiled(compiled, profile, as_of or dt.date.today())
            except ValueError as exc:  # ProfileError
                raise WorkspaceError(f"企业情况有误：{exc}") from None
            rows = []
            for measure in self.measures():
                result = evaluation.result(measure["id"])
                rows.append({"id": result.id, "title": result.measure.title, "status": result.status,
                             "reasons": list(result.reasons),
                             "missing": [FIELDS[f].label for f in result.missing]})
            return {"results": rows}
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def publish(self, live: Path = CATALOGUE_DIR) -> dict:
        """Write the files into the live catalogue (after the full check passed on a scratch copy)."""
        with _lock:
            result = self.check(live)
            if not result["ok"]:
                return {**result, "published": False}
            written = []
            for rel, content in self.files().items():
                path = live.parent / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(content, encoding="utf-8")
                tmp.replace(path)
                written.append(rel)
            self.data["published"] = {"at": _now(), "files": written}
            self._log("publish")
            self.save()
            return {**result, "published": True, "files": written}


def _city_inside(jurisdiction: str) -> Optional[str]:
    from policies_db.evaluation.coverage import example_city

    try:
        return example_city(jurisdiction)
    except ValueError:
        return None


def satisfy(tree: Any) -> Optional[dict]:
    """A profile that meets the criteria tree (all: every child, any: the first child, not: a leaf's opposite),
    or None when the tree needs more than this simple reading."""
    profile: dict = {}

    def leaf(node: dict, want: bool) -> bool:
        field, op, value = node.get("field"), node.get("op"), node.get("value")
        spec = FIELDS.get(field)
        if spec is None or field in ("city", "province"):
            return False
        if op == "eq":
            target = value if want else (not value)
            return profile.setdefault(field, target) == target
        if op in ("has", "has_any") and want:
            choice = value[0] if isinstance(value, list) else value
            profile.setdefault(field, [])
            if choice not in profile[field]:
                profile[field].append(choice)
            return True
        if op == "nonempty" and want:
            profile.setdefault(field, [])
            if not profile[field]:
                profile[field].append(next(iter(spec.choices)))
            return True
        if op == "gte" and want:
            return profile.setdefault(field, value) >= value
        if op == "lte" and want:
            return profile.setdefault(field, value) <= value
        return False

    def walk(node: Any, want: bool = True) -> bool:
        if not isinstance(node, dict):
            return False
        if "all" in node:
            return all(walk(c, want) for c in node["all"]) if want else walk(node["all"][0], False)
        if "any" in node:
            return walk(node["any"][0], want) if want else all(walk(c, False) for c in node["any"])
        if "not" in node:
            return walk(node["not"], not want)
        return leaf(node, want)

    return profile if walk(tree) else None


def criteria_in_words(tree: Any, depth: int = 0) -> list[str]:
    """The criteria as the officer reads them: 「同时满足」/「满足其一」 with each condition's text."""
    if not isinstance(tree, dict):
        return []
    pad = "　" * depth
    if "all" in tree or "any" in tree:
        kind = "all" if "all" in tree else "any"
        lines = [pad + ("同时满足：" if kind == "all" else "满足其一：")]
        for child in tree[kind]:
            lines += criteria_in_words(child, depth + 1)
        return lines
    if "not" in tree:
        return [pad + f"不属于：{tree.get('text') or ''}"]
    return [pad + "· " + str(tree.get("text") or tree.get("field"))]


# A condition no profile fact expresses stays a condition to confirm; to make it decidable, a maintainer adds a
# fact — data only (docs/publishing.md).
NEW_FACT_STEPS = [
    "在 policies_db/profile_fields.yml 增加一项企业情况：名称、类型（是否 / 多选 / 数字）、中文说明",
    "在 scripts/profile_questions.yml 写助手询问它的一句话，运行 make domain",
    "在 bot/nlu/vocabulary.yml 写企业的常见说法（词表），运行 make train 重新训练",
    "重新起草或修改措施，在条件中选用这项企业情况",
]


def choices() -> dict:
    """What the edit form offers: profile facts with their operators and values, categories, kinds."""
    from policies_db.authoring.schema import OPERATORS

    return {"new_fact_steps": NEW_FACT_STEPS,
            "fields": [{"name": f.name, "label": f.label, "kind": f.kind, "yes": f.yes, "no": f.no,
                        "choices": f.choices, "ops": list(OPERATORS.get(f.kind, {}))}
                       for f in FIELDS.values() if f.kind in ("bool", "list", "int")],
            "categories": CATEGORIES, "kinds": {k: k for k in KINDS}}
