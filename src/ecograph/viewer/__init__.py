"""The interactive viewer: one self-contained, offline HTML file of the entity network.

The package has one module per concern:

The viewer never sees a knowledge graph: it takes the parts it reads as a :class:`ViewSource`
(a store to query, the name index, the network projection, the dataset title);
``KnowledgeGraph.view(out)`` and ``KnowledgeGraph.render_view()`` build one and call
:func:`build_view` / :func:`render_html`.

* :mod:`.model`: :func:`prepare_view` selects, sizes, colours and lays out what the page
  shows (a :class:`ViewModel`), with the details read from the store in bulk;
* :mod:`.layout`: :func:`compute_layout`, positions for graphs above the physics threshold;
* :mod:`.page`: the HTML page, its Content-Security-Policy, the JSON island
  (:func:`script_json`) and the inlined vis-network (:func:`vis_assets`);
* ``assets/``: the page script ``app.js``, its stylesheet ``app.css``, the HTML template
  ``page.html`` and the UI strings ``ui.json`` (zh/en), shipped as package data.

Large graphs. Up to ``physics_threshold`` nodes the browser lays the graph out (vis-network
physics with a fixed seed, switched off once stable). Above it the layout is computed in Python
and the page draws fixed positions with physics off.
"""

from __future__ import annotations

from .layout import BACKBONE, compute_layout
from .model import (
    FONT_STACK,
    LANGS,
    SEED_LAYOUT_ABOVE,
    SIZE_MEASURES,
    STABILIZATION_BUDGET,
    ViewModel,
    ViewResult,
    ViewSource,
    prepare_view,
)
from .page import CHROMIUM, CHROMIUM_ARGS, build_view, render_html, script_json, vis_assets

__all__ = [
    "BACKBONE",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "FONT_STACK",
    "LANGS",
    "SEED_LAYOUT_ABOVE",
    "SIZE_MEASURES",
    "STABILIZATION_BUDGET",
    "ViewModel",
    "ViewResult",
    "ViewSource",
    "build_view",
    "compute_layout",
    "prepare_view",
    "render_html",
    "script_json",
    "vis_assets",
]
