"""Crash test: kill -9 a process that edits a store as fast as it can; nothing acknowledged is lost.

A child process opens the store, then makes edits (create, delete, relabel, link, undo, redo)
as fast as it can, with the journal folded into the base every 25 entries so that kills also
land while the base file is being replaced. After each edit is durable (``flush``) it prints the
store's sequence number and a digest of its spans, groups and decisions. Before each edit it
prints what kind of edit comes next.

The parent kills the child with SIGKILL at a random moment, then checks that the store opens,
and that it holds exactly the last acknowledged state - or that state plus the one edit that
was under way (checked by undoing that edit in a copy of the store). It also checks that no
temporary files are left once the store is opened again.

    python tests/benchmarks/crash_store.py [--trials 100] [--seed 1]

Prints: trials, corrupt stores, lost edits, edits acknowledged in all.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.annotations.journal import StoreError
from newsreader.annotations.store import EditError, Store
from newsreader.corpus import load_sample


def digest(store: Store) -> str:
    """A digest of what the user made: spans, groups and decisions (not the history)."""
    h = hashlib.sha256()
    for table in ("spans", "groups", "decisions"):
        records = sorted(
            json.dumps(r, sort_keys=True, ensure_ascii=False)
            for r in store.storage.table(table).values()
        )
        h.update(table.encode())
        for record in records:
            h.update(record.encode())
    return h.hexdigest()[:16]


def child(path: Path, seed: int) -> None:
    """Edit the store at ``path`` until killed; report every acknowledged state on stdout."""
    rng = random.Random(seed)
    docs = load_sample().documents
    out = sys.stdout
    store = Store.open(path, compact_every=25)
    store.attach(docs)
    store.flush()
    out.write(f"ack {store.storage.seq} {digest(store)}\n")
    out.flush()
    while True:
        spans = store.spans()
        roll = rng.random()
        if roll < 0.08:
            kind = "undo"
        elif roll < 0.12:
            kind = "redo"
        elif (roll < 0.45 and spans) or len(spans) > 200:
            kind = "delete"
        elif roll < 0.55 and spans:
            kind = "relabel"
        elif roll < 0.7 and len(spans) > 1:
            kind = "link"
        else:
            kind = "create"
        out.write(f"start {kind}\n")
        out.flush()
        try:
            if kind == "undo":
                store.undo()
            elif kind == "redo":
                store.redo()
            elif kind == "delete":
                store.delete_span(rng.choice(spans).id)
            elif kind == "relabel":
                span = rng.choice(spans)
                store.relabel(span.id, "quote" if span.label == "claim" else "claim")
            elif kind == "link":
                a, b = rng.sample(spans, 2)
                store.link(a.id, b.id)
            else:
                doc = rng.choice(docs)
                start = rng.randrange(0, len(doc.text) - 50)
                store.create_span(doc.id, start, start + rng.randrange(5, 50), "claim")
        except EditError:
            pass
        store.flush()
        out.write(f"ack {store.storage.seq} {digest(store)}\n")
        out.flush()


@dataclass
class Report:
    trials: int = 0
    corrupt: int = 0
    lost: int = 0
    acknowledged: int = 0
    in_flight_kept: int = 0
    leftovers: int = 0
    problems: list[str] = field(default_factory=list)


def undo_in_flight(folder: Path, kind: str) -> str:
    """The digest of the store in ``folder`` with its last edit (of ``kind``) taken back."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "store.json"
        for item in folder.iterdir():
            if item.name.startswith("store.json") and not item.name.endswith(".lock"):
                shutil.copy2(item, Path(scratch) / item.name)
        with Store.open(copy) as store:
            if kind == "undo":
                store.redo()
            elif kind == "redo":
                store.undo()
            else:
                store.undo()
            return digest(store)


def trial(folder: Path, rng: random.Random, report: Report, number: int) -> None:
    path = folder / "store.json"
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path), "--seed", str(rng.randrange(1 << 30))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    opened = threading.Event()

    def read() -> None:
        for line in process.stdout or []:
            lines.append(line)
            if line.startswith("ack "):
                opened.set()
        opened.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    # The kill lands while the child edits, however long it took to start on a busy machine.
    opened.wait(timeout=120)
    time.sleep(rng.uniform(0.05, 0.6))
    process.send_signal(signal.SIGKILL)
    process.wait()
    reader.join()
    stderr = (process.stderr.read() if process.stderr else "").strip()
    report.trials += 1
    acks = [line.split() for line in lines if line.startswith("ack ") and line.endswith("\n")]
    starts = [
        line.split()[1] for line in lines if line.startswith("start ") and line.endswith("\n")
    ]
    report.acknowledged += max(0, len(acks) - 1)
    if stderr and "Traceback" in stderr:
        report.problems.append(f"trial {number}: the child failed: {stderr.splitlines()[-1]}")
    try:
        with Store.open(path, read_only=True) as store:
            seq, state = store.storage.seq, digest(store)
    except StoreError as error:
        report.corrupt += 1
        report.problems.append(f"trial {number}: {error}")
        return
    if not acks:
        return  # killed before the store was open; nothing was acknowledged
    acked_seq, acked_state = int(acks[-1][1]), acks[-1][2]
    in_flight = starts[-1] if len(starts) >= len(acks) else None
    if seq == acked_seq:
        if state != acked_state:
            report.lost += 1
            report.problems.append(f"trial {number}: state at seq {seq} differs from its ack")
    elif seq == acked_seq + 1 and in_flight is not None:
        if undo_in_flight(folder, in_flight) != acked_state:
            report.lost += 1
            report.problems.append(f"trial {number}: the in-flight {in_flight} hid an ack")
        else:
            report.in_flight_kept += 1
    else:
        report.lost += 1
        report.problems.append(f"trial {number}: store at seq {seq}, last ack {acked_seq}")
    # Opening for writing cleans up after a crash: no temporary files remain after close.
    with Store.open(path):
        pass
    extra = [p.name for p in folder.iterdir() if p.name != "store.json"]
    if extra:
        report.leftovers += 1
        report.problems.append(f"trial {number}: left behind {extra}")


def run(trials: int, seed: int, folder: Path | None = None) -> Report:
    """Run ``trials`` kill -9 trials on one store (in ``folder`` or a temporary one)."""
    rng = random.Random(seed)
    report = Report()
    own = folder is None
    folder = folder or Path(tempfile.mkdtemp(prefix="newsreader-crash-"))
    try:
        for number in range(1, trials + 1):
            trial(folder, rng, report, number)
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seed)
        return
    began = time.perf_counter()
    report = run(args.trials, args.seed)
    print(
        f"trials: {report.trials}  corrupt stores: {report.corrupt}  lost edits: {report.lost}  "
        f"edits acknowledged: {report.acknowledged}  in-flight edits that landed: "
        f"{report.in_flight_kept}  runs leaving files behind: {report.leftovers}  "
        f"({time.perf_counter() - began:.0f} s)"
    )
    for problem in report.problems:
        print("  " + problem)
    sys.exit(1 if report.corrupt or report.lost or report.leftovers else 0)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
