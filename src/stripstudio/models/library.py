"""The model library: every model file in the model folders, with what the files themselves say.

For each ``.safetensors`` file: its kind and family (from its tensors), size, SHA-256 (kept in a
cache keyed by path, size and modification time, so each file is read once), trigger words and a
preview picture when the file's metadata or a sidecar has them:

* ``<name>.civitai.info`` (JSON written by Civitai helpers): ``trainedWords``, ``baseModel``, ``description``;
* ``<name>.preview.png`` / ``.jpg`` / ``.webp`` (or ``<name>.png``): the preview picture;
* kohya-ss metadata in the file: ``ss_tag_frequency`` (its most frequent tags) and ``ss_output_name``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stripstudio.modelfiles import BadModelFile, read_safetensors_header
from stripstudio.models.families import Family, Kind, detect, detect_folder

PREVIEW_SUFFIXES = (".preview.png", ".preview.jpg", ".preview.jpeg", ".preview.webp", ".png", ".jpg", ".webp")
TRIGGER_WORDS_MAX = 12
_HASH_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class LibraryModel:
    """One model of the library, as the studio shows it."""

    name: str
    kind: str
    family: str
    path: str
    size: int
    sha256: str = ""
    trigger_words: list[str] = field(default_factory=list)
    preview: str | None = None
    base_model: str = ""
    description: str = ""

    def as_dict(self) -> dict:
        """The entry as plain JSON values."""
        return asdict(self)


class ModelLibrary:
    """Scans model folders; file hashes are remembered in ``hash_cache`` (a JSON file) between runs."""

    def __init__(self, folders: list[Path], hash_cache: Path | None = None, hash_budget: int | None = None):
        """``hash_budget``: at most this many bytes are read to hash new files per listing (None: no bound);
        files past it show an empty ``sha256`` until a later listing has hashed them."""
        self.folders = [Path(folder) for folder in folders]
        self.hash_cache = hash_cache
        self.hash_budget = hash_budget
        self._hashed_bytes = 0
        self._hashes: dict[str, str] | None = None
        self._lock = threading.Lock()

    def models(self, *, kind: str | None = None, family: str | None = None, query: str = "") -> list[LibraryModel]:
        """Every model found, sorted by kind and name; filtered by kind, family and a text query."""
        self._hashed_bytes = 0
        found = [model for folder in self.folders for model in self._scan(folder)]
        words = query.casefold().split()
        found = [
            model
            for model in found
            if (kind is None or model.kind == kind)
            and (family is None or model.family == family)
            and all(word in f"{model.name} {' '.join(model.trigger_words)}".casefold() for word in words)
        ]
        self._save_hashes()
        return sorted(found, key=lambda model: (model.kind, model.name.casefold()))

    def _scan(self, folder: Path) -> list[LibraryModel]:
        if not folder.is_dir():
            return []
        found = []
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix == ".safetensors":
                found.append(self._file(path, folder))
            elif path.is_dir() and (path / "model_index.json").is_file():
                family = detect_folder(path).family
                found.append(LibraryModel(path.name, "checkpoint", _family(family), str(path), _folder_size(path)))
        return found

    def _file(self, path: Path, root: Path) -> LibraryModel:
        name = path.relative_to(root).with_suffix("").as_posix()
        size = path.stat().st_size
        try:
            header = read_safetensors_header(path)
        except (BadModelFile, OSError):
            return LibraryModel(name, "unreadable", "", str(path), size)
        detected = detect(header)
        info = _civitai_info(path)
        metadata = header.get("__metadata__") or {}
        return LibraryModel(
            name=name,
            kind=detected.kind.value if detected.kind is not Kind.UNKNOWN else "unknown",
            family=_family(detected.family),
            path=str(path),
            size=size,
            sha256=self._sha256(path),
            trigger_words=_trigger_words(info, metadata),
            preview=_preview(path),
            base_model=str(info.get("baseModel", "")),
            description=str(info.get("description") or metadata.get("ss_output_name", ""))[:500],
        )

    def _sha256(self, path: Path) -> str:
        stat = path.stat()
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        with self._lock:
            hashes = self._loaded_hashes()
            if key not in hashes:
                if self.hash_budget is not None and self._hashed_bytes + stat.st_size > self.hash_budget:
                    return ""  # hashed by a later listing: one request reads a bounded amount
                self._hashed_bytes += stat.st_size
                digest = hashlib.sha256()
                with path.open("rb") as handle:
                    while chunk := handle.read(_HASH_CHUNK):
                        digest.update(chunk)
                hashes[key] = digest.hexdigest()
            return hashes[key]

    def _loaded_hashes(self) -> dict[str, str]:
        if self._hashes is None:
            self._hashes = {}
            if self.hash_cache and self.hash_cache.is_file():
                try:
                    self._hashes = dict(json.loads(self.hash_cache.read_text()))
                except (ValueError, TypeError):
                    self._hashes = {}  # a damaged cache is rebuilt
        return self._hashes

    def _save_hashes(self) -> None:
        if self.hash_cache is None or self._hashes is None:
            return
        self.hash_cache.parent.mkdir(parents=True, exist_ok=True)
        partial = self.hash_cache.with_suffix(".partial")
        partial.write_text(json.dumps(self._hashes, sort_keys=True))
        partial.replace(self.hash_cache)


def _family(family: Family) -> str:
    return "" if family is Family.UNKNOWN else family.value


def _folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _civitai_info(path: Path) -> dict:
    sidecar = path.with_name(path.stem + ".civitai.info")
    if not sidecar.is_file() or sidecar.stat().st_size > 4 * 1024 * 1024:
        return {}
    try:
        info = json.loads(sidecar.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}
    return info if isinstance(info, dict) else {}


def _trigger_words(info: dict, metadata: dict) -> list[str]:
    words = [str(word).strip() for word in info.get("trainedWords") or [] if str(word).strip()]
    if not words and metadata.get("ss_tag_frequency"):
        try:
            frequency = json.loads(metadata["ss_tag_frequency"])
        except (ValueError, TypeError):
            frequency = {}
        counts: Counter[str] = Counter()
        for tags in frequency.values() if isinstance(frequency, dict) else []:
            if isinstance(tags, dict):
                counts.update({str(tag).strip(): int(count) for tag, count in tags.items() if str(tag).strip()})
        words = [tag for tag, _ in counts.most_common(TRIGGER_WORDS_MAX)]
    return list(dict.fromkeys(words))[:TRIGGER_WORDS_MAX]


def _preview(path: Path) -> str | None:
    for suffix in PREVIEW_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        if candidate.is_file():
            return str(candidate)
    return None
