"""The one family of exceptions ecograph raises.

The library never prints and never exits; the CLI turns these into messages and exit codes
(2 for :class:`UsageError`, 1 for the rest).
Every problem found in a dataset carries the file, line and record id it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DataError",
    "EcographError",
    "NotFoundError",
    "OutputError",
    "Problem",
    "QueryError",
    "UsageError",
]


class EcographError(Exception):
    """Base class of every error ecograph raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a dataset, located as precisely as the input allows."""

    file: str
    line: int
    record_id: str
    message: str

    def __str__(self) -> str:
        where = self.file if not self.line else f"{self.file}:{self.line}"
        who = f" [{self.record_id}]" if self.record_id else ""
        return f"{where}:{who} {self.message}"


class DataError(EcographError):
    """A dataset folder cannot be loaded: bad YAML, unknown terms, broken references, bad quotes.

    ``problems`` lists every problem found (the loader reports all it can, not just the first).
    """

    def __init__(self, problems: list[Problem], *, what: str = "the dataset"):
        self.problems = sorted(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in {what}:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class QueryError(EcographError):
    """A SPARQL query is malformed or not allowed."""


class UsageError(EcographError):
    """The caller asked for something that cannot be: an unknown choice, a value out of range,
    arguments that do not go together. ``param`` names the argument of the library function it
    concerns (the command line says which option that is); the CLI exits with status 2.
    """

    def __init__(self, message: str, *, param: str | None = None):
        self.param = param
        super().__init__(message)


class NotFoundError(EcographError):
    """A name, file or resource the user asked for does not exist. ``param``, when given, names
    the argument that held the name (the command line may add how to list the known ones)."""

    def __init__(self, message: str, *, param: str | None = None):
        self.param = param
        super().__init__(message)


class OutputError(EcographError):
    """An output cannot be written (bad path, unknown format)."""
