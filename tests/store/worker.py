"""A store client in a process of its own, driven by the concurrency tests over stdin and stdout.

    python -m tests.store.worker LOCATION MODE [options]

It prints one word per line when it reaches a point the test waits for, and waits for a line on
stdin where the test decides when it goes on; no test ever waits on a clock.

Modes:
  batches NAME  write ``--batches`` batches of ``--size`` articles (external ids NAME-b-i), each in
                one write transaction; prints ``waiting`` whenever another process holds the writer
                lock, and with ``--hold`` prints ``holding`` inside the first transaction and waits
                for a line before committing it.
  die NAME      commits one batch, then prints ``inside`` from within a second transaction's writes
                and waits for ever (the test kills it).
  run NAME      starts an ingest run and exits without finishing it; ``--host`` pretends to be
                another machine.
  open NAME     prints ``ready``, waits for a line, then opens the store (making it if it is new)
                and records one finished run.
"""

from __future__ import annotations

import argparse
import socket
import sys

from storyline.store import Store, open_store
from storyline.store.records import IngestCounts, RunStatus, SourceRecord
from tests.store.helpers import NOW, make_article


def say(word: str) -> None:
    print(word, flush=True)


def write_batch(store: Store, run_id: int, name: str, batch: int, size: int) -> None:
    for i in range(size):
        external_id = f"{name}-{batch}-{i}"
        article_id = store.articles.insert(make_article(f"Report {external_id}.", external_id), NOW)
        store.duplicates.record(article_id, external_id, None, None, None)
        source = SourceRecord(external_id, f"{name}.jsonl:{i}", "0" * 64, run_id, {})
        store.articles.add_source(article_id, source, NOW)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("location")
    parser.add_argument("mode", choices=["batches", "die", "run", "open"])
    parser.add_argument("name")
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--hold", action="store_true")
    parser.add_argument("--host")
    args = parser.parse_args()

    if args.mode == "open":
        say("ready")
        sys.stdin.readline()
    if args.host:
        socket.gethostname = lambda: args.host
    store = open_store(args.location)
    with store.write(on_wait=lambda: say("waiting")):
        run_id = store.runs.start([args.mode, args.name], NOW)
    if args.mode == "run":
        return  # the process ends with its run still marked running
    if args.mode == "open":
        store.runs.finish(run_id, IngestCounts(), RunStatus.OK, NOW)
        say("opened")
        return
    for batch in range(args.batches if args.mode == "batches" else 2):
        with store.write(on_wait=lambda: say("waiting")):
            write_batch(store, run_id, args.name, batch, args.size)
            if batch == 0 and args.hold:
                say("holding")
                sys.stdin.readline()
            if batch == 1 and args.mode == "die":
                say("inside")
                sys.stdin.readline()  # never answered: the test kills this process here
    store.runs.finish(run_id, IngestCounts(read=args.batches * args.size), RunStatus.OK, NOW)
    store.close()
    say("done")


if __name__ == "__main__":
    main()
