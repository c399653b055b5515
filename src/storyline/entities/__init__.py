"""Entities: the people, organisations and places a story is about, with their aliases.

- ``tagger`` — spaCy's English NER (a model shipped in a PyPI package, loaded once) and our rules
  on its spans;
- ``names`` — what a name is: trimming, normalised forms, acronyms, a person's name parts;
- ``resolution`` — alias resolution within a report and within a story (our own rules);
- ``stage`` — ``EntityStage``: tags new articles, stores mentions, resolves stories to store-wide
  entities, follows merges and splits, and applies the user's alias edits.
"""

from storyline.entities.stage import EntityNotFound, EntityStage
from storyline.entities.tagger import NameTagger

__all__ = ["EntityNotFound", "EntityStage", "NameTagger"]
