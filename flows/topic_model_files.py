"""The learned topic model on disk: one `.npz` file of plain arrays (no pickled objects), named by the
sha256 of its bytes, which goes into `tagger_version`.

A model file is user input: one that cannot be read gives a one-line `ModelFileError`, and the run tags
with the taxonomy alone. Nothing in the repository is a model; `newswatch topics train` writes one beside
the database (flows/settings.py `Settings.topic_model_file`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from extractors.tagging.learned import ModelError, TopicModel, topic_model_from

if TYPE_CHECKING:  # training needs scikit-learn, which every command would otherwise import at start
    from extractors.tagging.training import TrainedModel

ARRAYS = ("meta", "terms", "weights", "intercepts")
# Far above any model newswatch trains: a bigger file is not one of them.
MAX_MODEL_BYTES = 512 * 1024 * 1024


class ModelFileError(ValueError):
    """A model file that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True, kw_only=True)
class ParsedModel:
    """A model file's parts and digest, as sent to analysis workers, which build the model themselves."""

    origin: str
    digest: str
    meta: dict[str, Any]
    terms: tuple[str, ...]
    weights: np.ndarray
    intercepts: np.ndarray

    def model(self) -> TopicModel:
        return topic_model_from(self.meta, self.terms, self.weights, self.intercepts, self.digest)


def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def model_bytes(trained: TrainedModel) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        meta=_text_array(json.dumps(trained.meta, sort_keys=True)),
        terms=_text_array("\n".join(trained.terms)),
        weights=trained.weights.astype(np.float32),
        intercepts=trained.intercepts.astype(np.float32),
    )
    return buffer.getvalue()


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def save_model(path: Path, trained: TrainedModel) -> str:
    """Write the model (a temporary file, then an atomic rename); returns its digest."""
    data = model_bytes(trained)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest_of(data)


def parse_model(data: bytes, origin: str) -> ParsedModel:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            missing = [name for name in ARRAYS if name not in arrays.files]
            if missing:
                raise ModelFileError(f"{origin}: not a newswatch topic model (no {', '.join(missing)})")
            meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
            terms_text = arrays["terms"].tobytes().decode("utf-8")
            weights, intercepts = arrays["weights"], arrays["intercepts"]
    except ModelFileError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{origin}: not a readable topic model ({type(exc).__name__}: {exc})") from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"{origin}: not a newswatch topic model (its metadata is not an object)")
    parsed = ParsedModel(
        origin=origin,
        digest=digest_of(data),
        meta=meta,
        terms=tuple(terms_text.split("\n")) if terms_text else (),
        weights=weights,
        intercepts=intercepts,
    )
    try:
        parsed.model()
    except ModelError as exc:
        raise ModelFileError(f"{origin}: {exc}") from None
    return parsed


def load_model(path: Path) -> ParsedModel | None:
    """The model at `path`; None when there is none (the taxonomy tags alone); ModelFileError when unreadable."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read the topic model ({exc.strerror or exc})") from None
    if size > MAX_MODEL_BYTES:
        raise ModelFileError(f"{path}: {size} bytes, larger than any topic model ({MAX_MODEL_BYTES})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read the topic model ({exc.strerror or exc})") from None
    return parse_model(data, str(path))
