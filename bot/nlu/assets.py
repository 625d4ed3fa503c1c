"""Build the NLU assets the Rasa pipeline loads by path (python -m bot.nlu.assets):

  build/nlu/jieba/userdict.txt   jieba user dictionary (JiebaTokenizer's dictionary_path)
  build/nlu/spacy_zh/            blank spaCy zh pipeline, jieba segmenter, EntityRuler patterns

Both come from bot/nlu/vocabulary.py, so every phrase is one token for DIET and one match for spaCy.
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from bot.nlu.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "nlu"
JIEBA_DIR = BUILD / "jieba"
SPACY_DIR = BUILD / "spacy_zh"
USERDICT_NAME = "userdict.txt"
POLICY_SPANS = "policy"
POLICY_LABELS = ("policy", "topic")
# High enough that jieba keeps a vocabulary phrase whole in running text.
PHRASE_FREQUENCY = 200000


def userdict_text() -> str:
    phrases = [p for p in load_vocabulary().dictionary_phrases() if not any(ch.isspace() for ch in p)]
    return "".join(f"{p} {PHRASE_FREQUENCY}\n" for p in phrases)


def entity_patterns() -> list[dict]:
    """Facts about the firm: non-overlapping entities (the longest phrase wins)."""
    return [{"label": t.entity, "pattern": t.phrase, "id": t.value} for t in load_vocabulary().terms
            if t.entity not in POLICY_LABELS]


def policy_patterns() -> list[dict]:
    """Names of measures and topics, kept apart (doc.spans) since they overlap facts: 高级人才, 上市."""
    return [{"label": t.entity, "pattern": t.phrase, "id": t.value} for t in load_vocabulary().terms
            if t.entity in POLICY_LABELS]


def build_spacy(directory: Path, userdict: Path) -> None:
    import jieba
    import spacy

    jieba.load_userdict(str(userdict))
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(entity_patterns())
    spans = nlp.add_pipe("span_ruler", config={"spans_key": POLICY_SPANS, "phrase_matcher_attr": "LOWER"})
    spans.add_patterns(policy_patterns())
    if directory.exists():
        shutil.rmtree(directory)
    nlp.to_disk(directory)
    # The segmenter is jieba's global instance: ship the dictionary with the pipeline.
    shutil.copy(userdict, directory / USERDICT_NAME)


def main() -> int:
    started = time.perf_counter()
    JIEBA_DIR.mkdir(parents=True, exist_ok=True)
    userdict = JIEBA_DIR / USERDICT_NAME
    userdict.write_text(userdict_text(), encoding="utf-8")
    build_spacy(SPACY_DIR, userdict)
    n = len(entity_patterns()) + len(policy_patterns())
    print(f"NLU assets: {n} patterns, jieba dictionary and spaCy pipeline in {BUILD.relative_to(ROOT)} "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
