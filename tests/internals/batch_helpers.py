"""Helpers shared by the batch engine's tests: a handler that keeps all a run hands over."""

from __future__ import annotations

from storykit import _engine, _work_records


class _Collecting(_engine.Handler):
    """Everything a run hands over, in order."""

    def __init__(self) -> None:
        self.seen: list[object] = []
        self.roads: set[str] = set()  # how the outputs came: bytes, or a view of a slot

    def output(self, data: bytes | memoryview) -> None:
        self.roads.add(type(data).__name__)
        self.seen.append(bytes(data))  # a view is valid during the call only

    def tally(self, ok: int, files: int, extras: int = 0) -> None:
        self.seen.append((ok, files))

    def handle(self, result: _work_records.Result) -> bool:
        self.seen.append(result.kind)
        return True
