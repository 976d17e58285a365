"""The one exception type for bad input: it always names where and what was expected."""

from __future__ import annotations

from pathlib import Path


def shown(got: object) -> str:
    """What was found, for a reader: text in quotes, a list or a record as its items (never a
    Python repr of a list, a dict or a date)."""
    if isinstance(got, str):
        return repr(got)
    if isinstance(got, (list, tuple)):
        return ", ".join(str(x) for x in got) if got else "nothing"
    if isinstance(got, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in got.items()) + "}"
    return str(got)


class InputError(Exception):
    """A published or committed file is not what the project expects.

    The message names the file, the line (or cell) and what was expected, so the
    person running the nightly build can fix the input without reading code.
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        cell: str | None = None,
        expected: str | None = None,
        got: object = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.cell = cell
        self.problem = problem
        self.expected = expected
        self.got = got
        where = self.path
        if line is not None:
            where += f", line {line}"
        if cell:
            where += f", {cell}"
        msg = f"{where}: {problem}"
        if got is not None:
            msg += f" (found {shown(got)})"
        if expected:
            msg += f"; expected {expected}"
        super().__init__(msg)


class BuildError(Exception):
    """A build stage failed; the message is printed to the person running the build."""
