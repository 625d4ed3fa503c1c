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
from policies_db.evaluation import places

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
    # Frequency 0 makes jieba split a word of its own dictionary (jieba.del_word).
    split = sorted(set(compound_place_words()) | set(compound_head_words(phrases)))
    return "".join(f"{p} {PHRASE_FREQUENCY}\n" for p in phrases) + "".join(f"{w} 0\n" for w in split)


def compound_head_words(phrases: list[str]) -> list[str]:
    """Words of jieba's own dictionary that end in a head of vocabulary.yml's split_compounds_ending_in (船舶设计):
    split, so the head (设计) is a token the fact matcher sees. Our own phrases (建筑设计) stay whole."""
    import jieba
    import yaml

    from bot.nlu.vocabulary import VOCABULARY_FILE

    raw = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    heads, keep = raw.get("split_compounds_ending_in") or [], set(raw.get("keep_whole") or []) | set(phrases)
    jieba.initialize()
    return [w for w in jieba.dt.FREQ if jieba.dt.FREQ[w] and w not in keep
            and any(w.endswith(h) and len(w) > len(h) for h in heads)]


def compound_place_words() -> list[str]:
    """Words of jieba's own dictionary that glue two place names together (上海浦东, 湖南长沙): split, so each
    name is a token the place matcher sees."""
    import jieba

    jieba.initialize()
    names = {t.phrase for t in load_vocabulary().terms if t.entity == "city"}
    longest = max(map(len, names))
    found = []
    for word in jieba.dt.FREQ:
        if len(word) < 4 or word in names or not jieba.dt.FREQ[word]:
            continue
        for cut in range(2, min(longest, len(word) - 2) + 1):
            if word[:cut] in names and places.is_place_name(word[cut:]):
                found.append(word)
                break
    return sorted(found)


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
