"""The release being served, as the web workers see it: its build info and the version HTTP validators
(ETag, Last-Modified) and caches are keyed on."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from cachetools import LRUCache


@dataclass
class DatasetVersion:
    """What HTTP validators are derived from. ``tag`` is None when the data can change unseen."""

    tag: str | None
    last_modified: datetime | None
    info: dict[str, Any] = field(default_factory=dict)


def release_dir() -> Path:
    """The folder of the release being served (a dist/ symlink resolved once, at start)."""
    from flask import current_app

    store = current_app.extensions["iscm_store"]
    return store.dist or Path(current_app.config.get("DIST") or "dist").resolve()


_FILES: LRUCache[tuple[str, str, int, int], Any] = LRUCache(maxsize=64)
_FILES_LOCK = threading.Lock()


def parsed(kind: str, path: Path, load: Callable[[Path | None], Any]) -> Any:
    """A release file read by ``load`` once per version of it (path, size, modification time); ``load(None)`` when
    it is missing. ``kind`` names what ``load`` makes of the file."""
    try:
        stat = path.stat()
    except OSError:
        return load(None)
    key = (kind, str(path), stat.st_size, stat.st_mtime_ns)
    with _FILES_LOCK:
        if key in _FILES:
            return _FILES[key]
    value = load(path)
    with _FILES_LOCK:
        _FILES[key] = value
    return value


def read_build_info(dist: Path | None) -> dict[str, Any]:
    """The release's build-info.json ({} when there is none or it cannot be read)."""
    if dist is None:
        return {}
    try:
        data = json.loads((Path(dist) / "build-info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


class Versions:
    """The dataset version of this web worker: the release's, or one per write when updates are on
    (there is then one web worker, so it sees every write)."""

    def __init__(self, dist: Path | None, writable: bool, remote: bool) -> None:
        self.info = read_build_info(dist)
        self.writable = writable
        self.remote = remote
        self._nonce = uuid.uuid4().hex[:8]
        self._writes = 0
        self._last_write: datetime | None = None
        self._version = self._compute()

    @property
    def current(self) -> DatasetVersion:
        return self._version

    def written(self) -> None:
        """Count a write (update or Graph Store change): a new version."""
        self._writes += 1
        self._last_write = datetime.now(UTC).replace(microsecond=0)
        self._version = self._compute()

    def _compute(self) -> DatasetVersion:
        declared = self.info.get("dataset_version")
        built = parse_time(self.info.get("built_at"))
        if self.writable:
            if self.remote:  # the remote data may change without us knowing
                return DatasetVersion(None, None, self.info)
            tag = f"{declared or 'unversioned'}.{self._nonce}.{self._writes}"
            return DatasetVersion(tag, self._last_write or built, self.info)
        return DatasetVersion(str(declared) if declared else None, built, self.info)
