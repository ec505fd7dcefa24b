"""A task run twice at once (retried or stolen, on a worker with several threads, so in one
process) writes the same files: each write is whole, and neither loses its file to the other."""

from __future__ import annotations

import threading
from pathlib import Path

from newsreader.annotations.prepare.work import write_atomic


def test_the_same_file_written_at_once_by_two_threads_of_one_process(tmp_path: Path) -> None:
    target = tmp_path / "part-x.json"
    errors: list[BaseException] = []
    rounds = 300

    def writer(number: int, gate: threading.Barrier) -> None:
        payload = (str(number) * 50_000).encode()
        for _ in range(rounds):
            gate.wait()
            try:
                write_atomic(target, payload)
            except BaseException as err:  # collected, asserted below
                errors.append(err)

    gate = threading.Barrier(4)
    threads = [threading.Thread(target=writer, args=(n, gate)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    content = target.read_bytes()
    assert len(content) == 50_000 and len(set(content)) == 1, "one writer's whole file"
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left"
