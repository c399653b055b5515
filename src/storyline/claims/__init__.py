"""Compare the sources: each story's claims, grouped across its reports, with their status
(corroborated, single-source, conflicting, superseded), their independent origins, and a brief in
which every sentence cites its sources (``extract`` → ``align`` → ``compare`` → ``brief``; the
stage in ``stage``)."""

from storyline.claims.brief import BriefOrder, BriefSentence, Citation
from storyline.claims.compare import FactDate, GroupComparison, Origin, Status
from storyline.claims.stage import ClaimStage

__all__ = [
    "BriefOrder",
    "BriefSentence",
    "Citation",
    "ClaimStage",
    "FactDate",
    "GroupComparison",
    "Origin",
    "Status",
]
