"""A topic model file is user input: whatever is in it, one line says what is wrong and the taxonomy tags alone."""

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from extractors.tagging.training import train_topic_model
from flows.seed_files import load_tagging, load_taxonomy
from flows.topic_model_files import ModelFileError, load_model, model_bytes
from tests.support.paths import PROJECT
from tests.support.topic_rows import walnut_rows

TOPICS = PROJECT / "seeds" / "topics.toml"
TAXONOMY = load_taxonomy(TOPICS)
GOOD = model_bytes(train_topic_model(walnut_rows(), TAXONOMY))


def _arrays() -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(GOOD), allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


def _npz(**changes: object) -> bytes:
    arrays: dict[str, object] = {**_arrays(), **changes}
    buffer = io.BytesIO()
    np.savez(buffer, **{k: v for k, v in arrays.items() if v is not None})  # type: ignore[arg-type]
    return buffer.getvalue()


def _meta(**changes: object) -> np.ndarray:
    meta = json.loads(_arrays()["meta"].tobytes())
    meta.update(changes)
    return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)


def _zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE = {
    "empty": b"",
    "random bytes": bytes(range(256)) * 10,
    "truncated": GOOD[: len(GOOD) // 2],
    "a zip of something else": _zip_of({"readme.txt": b"hello"}),
    "a pickled object array": _npz(weights=np.array([{"x": 1}], dtype=object)),
    "no weights": _npz(weights=None),
    "weights of the wrong shape": _npz(weights=np.zeros((3, 1), dtype=np.float32)),
    "weights that are not numbers": _npz(weights=np.full(_arrays()["weights"].shape, np.nan, dtype=np.float32)),
    "metadata that is not JSON": _npz(meta=np.frombuffer(b"{not json", dtype=np.uint8)),
    "metadata that is a list": _npz(meta=np.frombuffer(b"[1, 2]", dtype=np.uint8)),
    "terms that are not UTF-8": _npz(terms=np.frombuffer(b"\xff\xfe\xfa", dtype=np.uint8)),
    "a threshold above 1": _npz(meta=_meta(thresholds={"tariffs": [0.5, 7]})),
    "a threshold missing": _npz(meta=_meta(thresholds={})),
    "other features": _npz(meta=_meta(features="embeddings/9")),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_bad_model_file_is_one_line_and_the_taxonomy_tags_alone(tmp_path: Path, case: str) -> None:
    path = tmp_path / "topic-model.npz"
    path.write_bytes(HOSTILE[case])
    with pytest.raises(ModelFileError) as raised:
        load_model(path)
    message = str(raised.value)
    assert "\n" not in message and str(path) in message
    files = load_tagging(TOPICS, None, path)
    assert files.model is None
    assert files.model_problem is not None and "taxonomy alone" in files.model_problem
    assert files.models()[0].tagger_version == TAXONOMY.tagger_version


def test_a_directory_where_the_model_should_be(tmp_path: Path) -> None:
    files = load_tagging(TOPICS, None, tmp_path)
    assert files.model is None and files.model_problem is not None and "\n" not in files.model_problem


def test_the_good_model_loads(tmp_path: Path) -> None:
    path = tmp_path / "topic-model.npz"
    path.write_bytes(GOOD)
    assert load_model(path) is not None
