"""Where the bundled ontology and datasets are, from a wheel and from a checkout alike.

The repository keeps ``ontology/`` and ``graph_data/`` at its top level; the wheel carries the
same folders under ``ecograph/_data/``. :func:`resource_path` is the one place that knows this.
"""

from __future__ import annotations

from pathlib import Path

from .errors import NotFoundError

__all__ = ["default_dataset_dir", "ontology_file", "resource_path", "shapes_file"]

_PACKAGE_DIR = Path(__file__).resolve().parent
_CANDIDATE_ROOTS = (
    _PACKAGE_DIR / "_data",  # installed from a wheel
    _PACKAGE_DIR.parent.parent,  # a checkout: src/ecograph/ -> repository root
)


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled resource such as
    ``resource_path("ontology", "ecograph.ttl")``."""
    for root in _CANDIDATE_ROOTS:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise NotFoundError(f"bundled resource not found: {'/'.join(parts)}")


def ontology_file() -> Path:
    """The OWL ontology in Turtle."""
    return resource_path("ontology", "ecograph.ttl")


def shapes_file() -> Path:
    """The SHACL shapes in Turtle."""
    return resource_path("ontology", "shapes.ttl")


def default_dataset_dir() -> Path:
    """The bundled Ordos dataset folder."""
    return resource_path("graph_data", "ordos")
