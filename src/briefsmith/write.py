"""Write stage: atomic file output and the build manifest.

A PDF is written to a temporary file beside its target, flushed to disk, then renamed over
the target in one step (``os.replace``), so a failed or killed build leaves the previous
PDF untouched and no half-written file.  (ReportLab's own ``build(path)`` opens the target
first and left 0-byte files behind when saving failed.)

Nothing can delete a temporary file when the process is killed with SIGKILL, so temporary
files are hidden (``.mini.pdf.<pid>.<random>.tmp``) and the next write of the same target
removes those whose process is gone; a build running in parallel keeps its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class ManifestEntry:
    brief: str
    output: str
    pages: int
    bytes: int
    sha256: str
    sources_cited: tuple[str, ...]
    warnings: int


def write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.",
                                    suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete temporary files of ``target`` left by killed processes; returns them."""
    removed = []
    for tmp in target.parent.glob(f".{target.name}.*.tmp"):
        pid = tmp.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
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


def update_manifest(output_dir: Path, entries: Iterable[ManifestEntry]) -> Path:
    """Merge ``entries`` into ``out/manifest.json`` (other briefs' entries are kept).

    Keys are sorted and there are no timestamps, so the file only changes when an output
    does, and CI can diff it.
    """
    path = output_dir / MANIFEST_NAME
    briefs: dict[str, dict] = {}
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(existing, dict) and isinstance(existing.get("briefs"), dict):
            briefs = existing["briefs"]
    except (OSError, ValueError):
        pass
    for entry in entries:
        record = asdict(entry)
        record["sources_cited"] = list(entry.sources_cited)
        briefs[entry.brief] = {k: v for k, v in record.items() if k != "brief"}
    text = json.dumps({"version": 1, "briefs": dict(sorted(briefs.items()))},
                      indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
    return path
