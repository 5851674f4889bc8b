"""What ``dataset.yaml`` declares of a table (see :mod:`ecograph.tables`): read by the loader,
run by the tables module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["LINK_KINDS", "TABLE_SUFFIXES", "TableSpec"]

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
#: how a link column names a curated entity: by its id, or by one of its labels exactly
LINK_KINDS = ("id", "label")


@dataclass(frozen=True)
class TableSpec:
    """One table of a dataset, as ``dataset.yaml`` declares it."""

    file: str  # as written, relative to the dataset folder
    path: Path
    mapping: str
    mapping_path: Path
    document: str  # the curated Document record its rows cite
    links: tuple[tuple[str, str], ...] = ()  # (column, "id" | "label")
    sheet: str | None = None
    line: int = 0  # of its entry in dataset.yaml

    @property
    def name(self) -> str:
        """The file's name, as a citation shows it: ``row 5312 of 高新技术企业名单.csv``."""
        return Path(self.file).name
