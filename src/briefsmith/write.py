"""Write stage: atomic file output, the build manifest and the build timings.

A PDF is written to a temporary file beside its target, flushed to disk, then renamed over
the target in one step (``os.replace``), so a failed or killed build leaves the previous
PDF untouched and no half-written file.  (ReportLab's own ``build(path)`` opens the target
first and left 0-byte files behind when saving failed.)

Nothing can delete a temporary file when the process is killed with SIGKILL, so temporary
files are hidden (``.mini.pdf.<pid>.<random>.tmp``) and the next write of the same target
removes those whose process is gone; a build running in parallel keeps its own.

``manifest.json`` describes every PDF in the output folder (path, pages, bytes, SHA-256,
sources cited, warnings) and is deterministic: keys sorted, no timestamps, rewritten only
when its content changes, so CI can diff or hash it.  The one measurement that differs
from run to run, build seconds per brief, goes to ``timings.json`` beside it.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import tempfile
from collections.abc import Container, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.json"
TIMINGS_NAME = "timings.json"
MANIFEST_VERSION = 2
# ``.<target>.<pid>.<random>.tmp``, as written by :func:`write_atomic` (mkstemp's random
# part has no dots).
_TEMPORARY = re.compile(r"^\..+\.([0-9]+)\.[^.]+\.tmp$")


@dataclass(frozen=True)
class ManifestEntry:
    """One PDF's entry in the manifest."""

    brief: str
    output: str
    pages: int
    bytes: int
    sha256: str
    sources_cited: tuple[str, ...]
    warnings: tuple[str, ...]


def write_atomic(target: Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to ``target`` in one step; ``sync=False`` skips the flush to disk for
    files that are only caches (losing one costs a rebuild, never a wrong result)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.",
                                    suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete temporary files of ``target`` left by killed processes; returns them."""
    return _remove_dead(target.parent.glob(f".{glob.escape(target.name)}.*.tmp"))


def remove_stale_temporaries_in(folder: Path) -> list[Path]:
    """Delete every temporary file in ``folder`` left by a killed process; returns them.

    A build runs this first, so a PDF that is up to date (and never rewritten) does not
    keep a killed build's leftover beside it."""
    try:
        return _remove_dead(folder.glob(".*.tmp"))
    except OSError:
        return []


def _remove_dead(candidates: Iterable[Path]) -> list[Path]:
    removed = []
    for tmp in candidates:
        match = _TEMPORARY.match(tmp.name)
        if match and not _process_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed.append(tmp)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def foreign_files(output_dir: Path) -> list[Path]:
    """``manifest.json`` or ``timings.json`` in ``output_dir`` that briefsmith did not write
    (another tool's, in a shared folder): never to be overwritten."""
    return [path for path in (output_dir / MANIFEST_NAME, output_dir / TIMINGS_NAME)
            if (path.exists() or path.is_symlink()) and not _written_by_us(path)]


def _written_by_us(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(data, dict) and set(data) == {"version", "briefs"}
            and isinstance(data["version"], int) and isinstance(data["briefs"], dict)
            and all(isinstance(entry, dict) for entry in data["briefs"].values()))


def read_manifest(output_dir: Path) -> dict[str, str]:
    """The briefs the manifest lists, with their PDF's SHA-256 (empty if unreadable)."""
    return {name: entry.get("sha256", "")
            for name, entry in _read_briefs(output_dir / MANIFEST_NAME).items()
            if isinstance(entry, dict)}


def update_manifest(output_dir: Path, entries: Iterable[ManifestEntry], *,
                    keep: Container[str] | None = None) -> Path:
    """Merge ``entries`` into ``manifest.json``; other briefs' entries are kept.

    An entry describes a PDF as it was written (its warnings are those of the build that
    wrote it), so the manifest depends only on the PDFs in the folder, never on which
    briefs were built in which order; briefs not in ``keep`` (deleted from the project,
    or whose PDF is gone) are dropped.
    """
    path = output_dir / MANIFEST_NAME
    briefs = _read_briefs(path)
    for entry in entries:
        record = asdict(entry)
        record["sources_cited"] = list(entry.sources_cited)
        record["warnings"] = list(entry.warnings)
        briefs[entry.brief] = {k: v for k, v in record.items() if k != "brief"}
    if keep is not None:
        briefs = {name: entry for name, entry in briefs.items() if name in keep}
    _write_json_if_changed(path, {"version": MANIFEST_VERSION, "briefs": briefs})
    return path


def update_timings(output_dir: Path, seconds: Mapping[str, float], *,
                   keep: Container[str] | None = None) -> Path:
    """Record how long each brief took to build (the last time it was built)."""
    path = output_dir / TIMINGS_NAME
    briefs = _read_briefs(path)
    for name, value in seconds.items():
        briefs[name] = {"build_seconds": value}
    if keep is not None:
        briefs = {name: entry for name, entry in briefs.items() if name in keep}
    _write_json_if_changed(path, {"version": 1, "briefs": briefs})
    return path


def _read_briefs(path: Path) -> dict[str, dict]:
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(existing, dict) and isinstance(existing.get("briefs"), dict):
        return existing["briefs"]
    return {}


def _write_json_if_changed(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    encoded = text.encode("utf-8")
    try:
        if path.read_bytes() == encoded:
            return
    except OSError:
        pass
    write_atomic(path, encoded)
