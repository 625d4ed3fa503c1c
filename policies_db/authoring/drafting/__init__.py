"""Drafting a catalogue from a policy text it has never seen (issue 22): `python -m policies_db draft`.

structure.py cuts the text into numbered sentences, metadata.py reads the document's own facts, classify.py
tells what a firm can act on, conditions.py drafts criteria with the assistant's lexicon, contacts.py expands
each task's 责任单位. draft.py assembles the JSON the workbench edits; proof.py compares it with a hand-encoded
catalogue. Nothing here reads the catalogue of the document being drafted.
"""
from policies_db.authoring.drafting.draft import draft_text

__all__ = ["draft_text"]
