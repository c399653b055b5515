-- The SQLite schema of storyline 0.1 (src/storyline/store/migrations.py at 89dd906), verbatim:
-- the five migrations a 0.1 store has applied, each recorded in schema_migrations.
-- tests/store/test_legacy.py builds a 0.1 store from it.
-- migration 1
    CREATE TABLE ingest_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        arguments TEXT NOT NULL,
        status TEXT NOT NULL,
        read INTEGER, new INTEGER, exact_duplicates INTEGER, near_duplicates INTEGER,
        already_stored INTEGER, rejected INTEGER
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        external_id TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        title TEXT, title_origin TEXT NOT NULL,
        outlet TEXT, outlet_origin TEXT NOT NULL,
        url TEXT, url_origin TEXT NOT NULL,
        author TEXT, author_origin TEXT NOT NULL,
        language TEXT, language_origin TEXT NOT NULL,
        published TEXT, published_origin TEXT NOT NULL, published_raw TEXT,
        published_utc TEXT,
        extra TEXT NOT NULL,
        warnings TEXT NOT NULL,
        minhash BLOB,
        duplicate_of INTEGER REFERENCES articles(id),
        duplicate_similarity REAL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
    CREATE TABLE article_sources (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        external_id TEXT NOT NULL,
        locator TEXT NOT NULL,
        raw_sha256 TEXT NOT NULL,
        run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
        supplied TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (external_id, raw_sha256)
    );
    CREATE INDEX article_sources_article ON article_sources(article_id);
    CREATE TABLE paragraphs (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        idx INTEGER NOT NULL, start INTEGER NOT NULL, end_ INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE sentences (
        article_id INTEGER NOT NULL REFERENCES articles(id),
        idx INTEGER NOT NULL, paragraph INTEGER NOT NULL, start INTEGER NOT NULL, end_ INTEGER NOT NULL,
        PRIMARY KEY (article_id, idx)
    );
    CREATE TABLE rejections (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
        locator TEXT NOT NULL,
        reason TEXT NOT NULL,
        rejected_at TEXT NOT NULL
    );
-- migration 2
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL,
        key_terms TEXT NOT NULL,
        article_count INTEGER NOT NULL,
        outlet_count INTEGER NOT NULL,
        first_seen TEXT,
        last_seen TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX stories_updated ON stories(updated_at);
    CREATE TABLE story_articles (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        story_id INTEGER NOT NULL,
        score REAL NOT NULL
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    CREATE TABLE story_merges (
        id INTEGER PRIMARY KEY,
        absorbed INTEGER NOT NULL UNIQUE,
        into_ INTEGER NOT NULL,
        merged_at TEXT NOT NULL,
        score REAL NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE TABLE clusterer_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        data BLOB NOT NULL,
        saved_at TEXT NOT NULL
    );
-- migration 3
    CREATE TABLE clusterer_state_changes (
        seq INTEGER PRIMARY KEY,
        data BLOB NOT NULL,
        saved_at TEXT NOT NULL
    );
-- migration 4
    ALTER TABLE ingest_runs ADD COLUMN host TEXT;
    ALTER TABLE ingest_runs ADD COLUMN pid INTEGER;
-- migration 5
    CREATE TABLE story_splits (
        id INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL,
        new_story_id INTEGER NOT NULL UNIQUE,
        split_at TEXT NOT NULL,
        score REAL NOT NULL,
        reason TEXT NOT NULL,
        article_count INTEGER NOT NULL
    );
    CREATE INDEX story_splits_story ON story_splits(story_id);
