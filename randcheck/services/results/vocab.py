"""The workspace's result vocabulary: the shipped one, extended by ``result-vocabulary.json``
in the workspace when the office has terms of its own (the version id then changes)."""

from __future__ import annotations

from randcheck.core.vocabulary import Vocabulary, load_extension, shipped
from randcheck.workspace import Workspace

EXTENSION = "result-vocabulary.json"


def workspace_vocabulary(ws: Workspace) -> Vocabulary:
    path = ws.root / EXTENSION
    return load_extension(path) if path.is_file() else shipped()
