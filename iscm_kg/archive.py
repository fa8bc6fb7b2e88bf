"""The release archive: one versioned zip of what a researcher keeps (dumps, tables, codebook, networks, citation
records) with the SHA-256 checksums of its contents, under a folder named after the release.

The same files give the same bytes: members in name order, one fixed timestamp, fixed permissions."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

# zip cannot store dates before 1980; a fixed one keeps the archive reproducible (the version names the release)
STAMP = (1980, 1, 1, 0, 0, 0)
CHECKSUMS = "SHA256SUMS"


def write_archive(folder: Path, names: list[str], extra: dict[str, Path], target: Path, top: str) -> list[str]:
    """Zip ``names`` (paths relative to ``folder``, files or folders) and ``extra`` (archive path -> a file from
    elsewhere, e.g. attribution notices) into ``target`` under ``top/``, with a ``top/SHA256SUMS`` of them all.
    Returns the archived paths, in the order written."""
    contents = {path.relative_to(folder).as_posix(): path for name in names for path in _files(folder / name)}
    contents.update(extra)
    files = sorted(contents)
    data = {name: contents[name].read_bytes() for name in files}
    sums = "".join(f"{hashlib.sha256(data[name]).hexdigest()}  {name}\n" for name in files)
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in files:
            _add(archive, f"{top}/{name}", data[name])
        _add(archive, f"{top}/{CHECKSUMS}", sums.encode("utf-8"))
    partial.replace(target)
    return [*files, CHECKSUMS]


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    if path.is_file():
        return [path]
    raise FileNotFoundError(f"{path} is not in the release: nothing to archive")


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
