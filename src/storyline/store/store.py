"""``Store``: the aggregate the pipeline and the library use, one repository per concern over one
database, and the transactions that span them.

Opening a store brings its schema up to date: a store written by storyline 0.1 is converted in
place first (``legacy``), then each component's missing migrations are applied.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType

from storyline.store import legacy
from storyline.store.articles import SCHEMA as ARTICLES
from storyline.store.articles import ArticleRepository
from storyline.store.claims import SCHEMA as CLAIMS
from storyline.store.claims import ClaimRepository
from storyline.store.clusterer_state import SCHEMA as CLUSTERER_STATE
from storyline.store.clusterer_state import ClustererStateRepository
from storyline.store.curation import SCHEMA as CURATION
from storyline.store.curation import CurationRepository
from storyline.store.database import Component, Database, OnWait, applied_versions, migrate
from storyline.store.duplicates import SCHEMA as DUPLICATES
from storyline.store.duplicates import DuplicateRepository
from storyline.store.entities import SCHEMA as ENTITIES
from storyline.store.entities import EntityRepository
from storyline.store.runs import SCHEMA as RUNS
from storyline.store.runs import RunRepository
from storyline.store.search import SCHEMA as SEARCH
from storyline.store.search import SearchRepository
from storyline.store.stories import SCHEMA as STORIES
from storyline.store.stories import StoryRepository
from storyline.store.time_expressions import SCHEMA as TIME_EXPRESSIONS
from storyline.store.time_expressions import TimeExpressionRepository
from storyline.store.watch import SCHEMA as WATCH
from storyline.store.watch import WatchRepository

# In the order their tables are created: a component's foreign keys point at the ones before it.
COMPONENTS: tuple[Component, ...] = (
    RUNS,
    ARTICLES,
    DUPLICATES,
    STORIES,
    CLUSTERER_STATE,
    TIME_EXPRESSIONS,
    ENTITIES,
    CURATION,
    WATCH,
    CLAIMS,
    SEARCH,
)


class Store:
    """A storyline corpus: runs, articles, duplicates, stories, the clusterer's state, the
    articles' time expressions, their entities and claims, editors' corrections, watched sources
    and the index searching the articles."""

    def __init__(self, db: Database) -> None:
        self._db = db
        legacy.convert(db, COMPONENTS)
        migrate(db, COMPONENTS)
        self.runs = RunRepository(db)
        self.articles = ArticleRepository(db)
        self.duplicates = DuplicateRepository(db)
        self.stories = StoryRepository(db)
        self.clusterer_state = ClustererStateRepository(db)
        self.time_expressions = TimeExpressionRepository(db)
        self.entities = EntityRepository(db)
        self.curation = CurationRepository(db)
        self.watch = WatchRepository(db)
        self.claims = ClaimRepository(db)
        self.search = SearchRepository(db)

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._db.dialect

    @property
    def location(self) -> str:
        """Where the store is, printable (never with a password)."""
        return self._db.location

    def write(self, on_wait: OnWait | None = None) -> AbstractContextManager[None]:
        """The one write transaction: everything inside commits together or not at all."""
        return self._db.write(on_wait)

    def savepoint(self) -> AbstractContextManager[None]:
        """Inside ``write()``: an exception inside undoes only what was done since, and propagates."""
        return self._db.savepoint()

    def snapshot(self) -> AbstractContextManager[None]:
        """The calling thread's reads inside see one consistent committed state."""
        return self._db.snapshot()

    def schema_versions(self) -> dict[str, int]:
        """The schema version of each component the store holds (what its migrations reached)."""
        versions: dict[str, int] = {}
        for component, version in applied_versions(self._db):
            versions[component] = max(version, versions.get(component, 0))
        return versions

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
