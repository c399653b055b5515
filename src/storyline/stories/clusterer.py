"""Online story assignment: every article joins a story the moment it arrives.

Single pass, never re-clustering the corpus. For each article, in arrival order:

1. candidates: exact dense search over the most recently created stories, an HNSW index over every
   older story and posting lists of salient terms (``candidates``);
2. a linear score per candidate: dense cosine (MiniLM) to the story centroid, TF-IDF cosine of the
   article's title and lead to the story's top terms, cosine over names and numbers, minus a penalty
   for the time gap to a story gone cold (``scoring``), in the regime of what the pair holds
   (``params``);
3. join the candidate that clears its threshold by the widest margin, else start a new story;
4. the story the article joined is compared with the other candidates; if they now look like one
   story, the younger is absorbed into the older and the merge is returned (ids never change, the
   absorbed id redirects);
5. a story whose members now fall into two parts that score apart is split (``splitting``): the part
   holding its first report keeps the id, the other becomes a new story, and the split is returned.
   This undoes what a single pass cannot avoid: the first report of a second event of the same kind
   joining the first event's story.

Editors overrule it (``merge``, ``move_out``), and it respects them afterwards (``constraints``):
stories an editor separated are never merged again, and stories an editor shaped are never split.

This module makes those decisions; the parts it composes keep the stories (``story_table``), the
vocabulary (``features``), the candidate index, the kept members and the labels, and ``state``
writes and reads all of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from storyline.stories.candidates import CandidateIndex
from storyline.stories.embeddings import Embedder, MiniLMEmbedder
from storyline.stories.features import F32, I32, ArticleFeatures, Idf, featurise, read_article
from storyline.stories.labels import keep_headline, story_label
from storyline.stories.params import StoryParams
from storyline.stories.records import (
    Assignment,
    KeptHeadline,
    StoryChange,
    StoryConstraints,
    StoryInput,
    StoryLabel,
    StoryMerge,
    StorySplit,
)
from storyline.stories.scoring import PairScorer, article_side, story_side
from storyline.stories.splitting import KeptMember, SplitRule, split_line
from storyline.stories.state import (
    ChangeLog,
    StoryState,
    read_state,
    write_change_record,
    write_full_state,
)


class StoryClusterer:
    """Online single-pass story assignment (see the module docstring).

    ``state`` continues from what a clusterer held (``load_state`` reads one from bytes); None
    starts with no stories.
    """

    def __init__(
        self,
        params: StoryParams | None = None,
        embedder: Embedder | None = None,
        state: StoryState | None = None,
    ) -> None:
        self.params = params if params is not None else StoryParams.load()
        self.embedder: Embedder = embedder if embedder is not None else MiniLMEmbedder()
        self._state = state if state is not None else StoryState.empty(self.params, self.embedder.dim)
        if self._state.stories.dim != self.embedder.dim:
            raise ValueError(f"the stories are {self._state.stories.dim}-d, {self.embedder.name} is not")
        self._stories = self._state.stories
        self._vocabulary = self._state.vocabulary
        self._kept = self._state.kept
        self._candidates = CandidateIndex(self.params, self._stories, self._state.postings)
        self._scorer = PairScorer(self.params, self._stories)
        self._changes = ChangeLog(vocab_written=len(self._vocabulary))
        # Not part of the state: the store keeps editors' corrections and the stage hands them over.
        self.constraints = StoryConstraints()

    @property
    def state(self) -> StoryState:
        """What the clusterer continues from (read it; writing it while adding breaks the index)."""
        return self._state

    # ------------------------------------------------------------------------------------- public API

    def embed(self, items: Sequence[StoryInput]) -> F32:
        """The embeddings ``add`` computes for ``items``, without touching any state: a caller can
        embed (the slow part) outside whatever lock guards the clusterer and pass them to ``add``."""
        if not items:
            return np.zeros((0, self.embedder.dim), np.float32)
        return self.embedder.encode([read_article(item, self.params).embedded for item in items])

    def add(
        self, items: Sequence[StoryInput], vectors: NDArray[np.float32] | None = None
    ) -> tuple[list[Assignment], list[StoryChange]]:
        """Assign ``items`` one by one in the given order; ``vectors`` are their embeddings
        (``embed``), computed here in one batch when not given.

        Returns each item's assignment when it arrived and the merges and splits that followed, in
        the order they happened: replaying them over the assignments gives every item's story now.
        """
        if vectors is None:
            vectors = self.embed(items)
        elif vectors.shape != (len(items), self.embedder.dim):
            raise ValueError(f"{len(items)} items need {len(items)} vectors of {self.embedder.dim}")
        # Every item's terms enter the vocabulary before the first is assigned, as ids in batch order.
        articles = featurise(items, vectors, self._vocabulary, self.params)
        assignments: list[Assignment] = []
        changes: list[StoryChange] = []
        log = self._changes
        for article in articles:
            assignment, following = self._assign(article)
            assignments.append(assignment)
            log.articles[assignment.article_id] = None
            log.stories.add(assignment.story_id)
            for bag in article.bags:  # document frequencies and posting lists
                log.terms.update(bag.ids.tolist())
            for change in following:
                changes.append(change)
                if isinstance(change, StoryMerge):
                    log.stories.update((change.absorbed, change.into))
                else:
                    log.stories.update((change.story_id, change.new_story_id))
        return assignments, changes

    def resolve(self, story_id: int) -> int:
        """The live story a (possibly absorbed) id now refers to."""
        return self._stories.resolve(story_id)

    def story_of(self, article_id: int) -> int | None:
        sid = self._state.article_story.get(article_id)
        return None if sid is None else self.resolve(sid)

    @property
    def story_count(self) -> int:
        """Live (not absorbed) stories."""
        return self._stories.live_count()

    def label(self, story_id: int, n_terms: int = 8) -> StoryLabel:
        sid = self.resolve(story_id)
        if not 0 < sid <= self._stories.count:
            raise KeyError(story_id)
        return story_label(self._stories, self._vocabulary, sid, n_terms)

    def merge(self, story_id: int, other_id: int, reason: str) -> StoryMerge:
        """An editor's merge of two live stories: the older id survives, as in every merge, even
        where the machine would split the result at once. The merge's score is what the machine
        scores the pair (an editor sees how far they overruled it)."""
        sid, other = self._live(story_id), self._live(other_id)
        if sid == other:
            raise ValueError(f"stories {story_id} and {other_id} are one story already")
        idf = self._vocabulary.idf()
        score = self._story_score(sid, other, idf)
        merge = self._absorb(sid, other, score, reason, None, idf)
        self._changes.stories.update((merge.absorbed, merge.into))
        return merge

    def move_out(
        self, story_id: int, items: Sequence[StoryInput], vectors: NDArray[np.float32], reason: str
    ) -> StorySplit:
        """An editor's move: ``items`` (articles of the live story ``story_id``, with their
        embeddings) leave it for a new story, returned as a split.

        A story that keeps its members is rebuilt from those that stay; a larger one has the moved
        articles taken out of its centroid, size and term weights, while its newest publication
        time and full-text flag stay as they were (an upper bound: nothing kept tells them apart).
        """
        sid = self._live(story_id)
        moved_ids = sorted({item.article_id for item in items})
        outside = [aid for aid in moved_ids if self.story_of(aid) != sid]
        if outside:
            raise ValueError(f"not in story {story_id}: articles {', '.join(map(str, outside))}")
        size = int(self._stories.size[sid])
        if len(moved_ids) >= size:
            raise ValueError(f"that is every article of story {story_id}: nothing would be left")
        idf = self._vocabulary.idf()
        kept = self._kept.of_story(sid)
        if len(kept) == size:
            leaving = set(moved_ids)
            staying = self._kept.of_articles(aid for aid in kept if aid not in leaving)
            new = self._split_off(sid, staying, self._kept.of_articles(moved_ids), idf)
        else:
            moved = [self._member(f) for f in featurise(items, vectors, self._vocabulary, self.params)]
            new = self._new_story()
            self._stories.remove_members(sid, moved)
            self._candidates.reindex(sid)
            gone = {m.headline for m in moved}
            self._stories.headlines[sid] = [h for h in self._stories.headlines[sid] if h not in gone]
            self._rebuild_story(new, moved, idf)
            self._post_members(new, moved, idf)
        self._changes.stories.update((sid, new))
        return StorySplit(sid, new, tuple(moved_ids), self._story_score(new, sid, idf), reason, None)

    def _live(self, story_id: int) -> int:
        sid = self.resolve(story_id)
        if not 0 < sid <= self._stories.count:
            raise KeyError(story_id)
        return sid

    def _story_score(self, sid: int, other: int, idf: Idf) -> float:
        scores, _ = self._scorer.against(
            story_side(self._stories, sid, idf), np.array([other], dtype=np.int32), idf
        )
        return float(scores[0])

    def _kept_apart(self, sid: int, other: int) -> bool:
        """An editor separated these two live stories."""
        pair = {sid, other}
        return any({self.resolve(a), self.resolve(b)} == pair for a, b in self.constraints.kept_apart)

    def _settled(self, sid: int) -> bool:
        """An editor shaped this live story: the machine does not split it."""
        return any(self.resolve(s) == sid for s in self.constraints.settled)

    def dump_state(self) -> bytes:
        """Everything needed to continue online (see ``state``).

        Also starts a new change log: a later ``dump_changes`` holds only what changed after this.
        """
        data = write_full_state(self._state, self.embedder.name)
        self._changes.clear(len(self._vocabulary))
        return data

    def dump_changes(self) -> bytes:
        """What changed since the last dump (or load), in the same format; ``load_state`` applies a
        full state and then, in order, the changes dumped after it.

        Its size follows what was touched (stories joined or merged, terms seen, articles added), not
        the corpus, so a caller can persist every batch cheaply and a full state only now and then.
        """
        data = write_change_record(self._state, self._changes, self.embedder.name)
        self._changes.clear(len(self._vocabulary))
        return data

    @classmethod
    def load_state(
        cls,
        data: bytes,
        params: StoryParams | None = None,
        embedder: Embedder | None = None,
        changes: Sequence[bytes] = (),
    ) -> StoryClusterer:
        """A clusterer from a full state (``dump_state``) and the ``dump_changes`` records written
        after it, in order."""
        params = params if params is not None else StoryParams.load()
        embedder = embedder if embedder is not None else MiniLMEmbedder()
        return cls(params, embedder, read_state(data, changes, params, embedder))

    # ------------------------------------------------------------------------------------------ joining

    def _assign(self, article: ArticleFeatures) -> tuple[Assignment, list[StoryChange]]:
        item = article.item
        self._vocabulary.count(article.bags)
        idf = self._vocabulary.idf()
        cands = self._candidates.find(article.vector, article.bags.terms, idf)
        forced = self.story_of(item.duplicate_of) if item.duplicate_of is not None else None
        scores, full_sides = self._scorer.against(article_side(article, idf), cands, idf)
        margins = scores - self._scorer.per_pair(full_sides, lambda r: r.threshold)
        runner_up: int | None = None
        if forced is not None:
            sid, score, created = forced, 1.0, False
        elif len(cands) and margins.max() >= 0:
            best = int(np.argmax(margins))  # first maximum: lowest (oldest) id on ties
            sid, score, created = int(cands[best]), float(scores[best]), False
            runner_up = self._runner_up(scores, margins, full_sides, best)
        else:
            sid, score, created = self._new_story(), 0.0, True
        self._add_member(sid, article, idf)
        merge = None
        if runner_up is not None:
            merge = self._merge_pair(
                sid,
                int(cands[runner_up]),
                float(scores[runner_up]),
                "one article matched both equally well",
                item.article_id,
                idf,
            )
        elif not created:
            merge = self._maybe_merge(sid, cands, idf, item.article_id)
        changes: list[StoryChange] = [] if merge is None else [merge]
        if not created:
            split = self._maybe_split(self.resolve(sid), item.article_id, idf)
            if split is not None:
                changes.append(split)
        return Assignment(item.article_id, sid, score, created), changes

    def _runner_up(
        self,
        scores: NDArray[np.float64],
        margins: NDArray[np.float64],
        full_sides: NDArray[np.intp],
        best: int,
    ) -> int | None:
        """The second story an article matches about as strongly as its best, if any.

        Two stories that one report fits equally well are one story that started twice (a long wire
        report and a short rewrite each seeded their own before anything linked them). A clear
        winner, as when a report names which of two similar events it is about, bridges nothing.
        Margins over each pair's threshold compare candidates scored in different regimes.
        """
        if len(scores) < 2:
            return None
        others = margins.copy()
        others[best] = -np.inf
        second = int(np.argmax(others))
        regime = self.params.pair_regimes[int(full_sides[second])]
        if (
            scores[second] >= regime.bridge_threshold
            and others[second] >= margins[best] - regime.bridge_margin
        ):
            return second
        return None

    def _new_story(self) -> int:
        sid = self._stories.new_story()
        self._candidates.story_created(sid)
        return sid

    def _add_member(self, sid: int, article: ArticleFeatures, idf: Idf) -> None:
        """Put ``article`` in story ``sid``: the story's summary, index entries, label candidates,
        and what a later split of the story needs of it."""
        item = article.item
        self._stories.add_member(sid, article, idf)
        self._candidates.sync(sid)
        self._changes.terms.update(self._candidates.post(sid, article.bags.terms, idf))
        self._keep_headline(sid, article.headline)
        self._state.article_story[item.article_id] = sid
        dropped = self._kept.keep(sid, self._member(article), int(self._stories.size[sid]))
        self._changes.dropped_members.update(dropped)

    @staticmethod
    def _member(article: ArticleFeatures) -> KeptMember:
        """What a story keeps of ``article`` (see ``splitting.KeptMember``)."""
        item = article.item
        group = item.article_id if item.duplicate_of is None else item.duplicate_of
        return KeptMember(
            item.article_id,
            group,
            article.full,
            article.time,
            article.vector.astype(np.float16),
            article.bags,
            article.headline,
        )

    def _keep_headline(self, sid: int, headline: KeptHeadline) -> None:
        keep_headline(self._stories, self._vocabulary, sid, headline, self.params.label_candidates)

    # -------------------------------------------------------------------------------------------- merging

    def _maybe_merge(self, sid: int, cands: I32, idf: Idf, after_article: int) -> StoryMerge | None:
        """Merge the story ``sid`` with the candidate that clears its merge threshold by the widest
        margin, if any does."""
        others = cands[cands != sid]
        if self.constraints.kept_apart:
            others = others[[not self._kept_apart(sid, int(o)) for o in others]]
        if len(others) == 0:
            return None
        scores, full_sides = self._scorer.against(story_side(self._stories, sid, idf), others, idf)
        margins = scores - self._scorer.per_pair(full_sides, lambda r: r.merge_threshold)
        best = int(np.argmax(margins))
        if margins[best] < 0:
            return None
        return self._merge_pair(
            sid, int(others[best]), float(scores[best]), "centroids converged", after_article, idf
        )

    def _merge_pair(
        self, sid: int, other: int, score: float, reason: str, after_article: int, idf: Idf
    ) -> StoryMerge | None:
        """Merge two live stories; the older id survives so that earlier references stay valid.

        Not if the merged story would split at once: that pair of changes would only churn ids and
        lineage (over ECB+ arrival orders it halves the merges and splits, at the same F1).
        """
        if self.constraints.kept_apart and self._kept_apart(sid, other):
            return None
        size = self._stories.size
        both = self._kept.of_both(sid, int(size[sid]), other, int(size[other]))
        full = bool(self._stories.full[sid] or self._stories.full[other])
        if both is not None and self._split_plan(both, full, idf):
            return None
        return self._absorb(sid, other, score, reason, after_article, idf)

    def _absorb(
        self, sid: int, other: int, score: float, reason: str, after_article: int | None, idf: Idf
    ) -> StoryMerge:
        """Fold the younger of two live stories into the older."""
        size = self._stories.size
        into, absorbed = min(sid, other), max(sid, other)
        dropped = self._kept.merge(absorbed, int(size[absorbed]), into, int(size[into]))
        self._changes.dropped_members.update(dropped)
        self._stories.absorb(absorbed, into, idf)
        self._candidates.sync(into)
        for headline in self._stories.headlines[absorbed]:
            self._keep_headline(into, headline)
        self._stories.headlines[absorbed] = []
        self._candidates.remove(absorbed)
        return StoryMerge(absorbed, into, score, reason, after_article)

    # ------------------------------------------------------------------------------------------ splitting

    def _maybe_split(self, sid: int, after_article: int, idf: Idf) -> StorySplit | None:
        """Split ``sid`` in two if its members fall into two parts that score apart (see
        ``splitting``). The part holding the story's first report keeps its id; the other becomes a
        new story."""
        if self.constraints.settled and self._settled(sid):
            return None
        plan = self._split_plan(self._kept.of_story(sid), bool(self._stories.full[sid]), idf)
        if plan is None:
            return None
        first, second, between = plan
        new = self._split_off(sid, first, second, idf)
        return StorySplit(
            sid,
            new,
            tuple(m.article_id for m in second),
            between,
            "its reports fell into two groups that score apart",
            after_article,
        )

    def _split_plan(
        self, article_ids: Sequence[int], full: bool, idf: Idf
    ) -> tuple[list[KeptMember], list[KeptMember], float] | None:
        """The two parts a story of the kept members ``article_ids`` (ascending; ``full`` if it holds
        a full text) should be split into, the one holding the first member first, and the mean
        score between them; None if it is one story."""
        rule = SplitRule.for_story(self.params, full)
        if rule is None or len(article_ids) < 2 * rule.min_part:
            return None
        kept = self._kept.of_articles(article_ids)
        line = split_line(self._scorer.matrix(kept, idf), [m.group for m in kept], rule)
        if line is None:
            return None
        first, second, between = line
        return [kept[i] for i in first], [kept[i] for i in second], between

    def _split_off(
        self, sid: int, first: Sequence[KeptMember], second: Sequence[KeptMember], idf: Idf
    ) -> int:
        """Rebuild kept-member story ``sid`` from ``first`` and a new story from ``second``; its id."""
        new = self._new_story()
        self._rebuild_story(sid, first, idf)
        self._rebuild_story(new, second, idf)
        self._kept.split(sid, first, new, second)
        self._post_members(new, second, idf)
        return new

    def _post_members(self, sid: int, members: Sequence[KeptMember], idf: Idf) -> None:
        # The old story stays listed under the moved members' terms: postings only propose candidates.
        for member in members:
            self._changes.terms.update(self._candidates.post(sid, member.bags.terms, idf))

    def _rebuild_story(self, sid: int, members: Sequence[KeptMember], idf: Idf) -> None:
        """Make ``sid`` the story of exactly ``members``: summary, index entry, label candidates."""
        self._stories.rebuild(sid, members, idf)
        self._candidates.reindex(sid)
        self._stories.headlines[sid] = []
        for m in members:
            self._keep_headline(sid, m.headline)
            self._state.article_story[m.article_id] = sid
            self._changes.articles[m.article_id] = None
