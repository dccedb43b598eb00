"""The model registry: one folder per model, integrity-checked on every load.

Layout of ``<root>/<model_id>/``: the model file (``model.xgb.json``, ``model.lgb.txt`` or
``model.logistic.json``), ``encoder.json`` (trees), ``calibrator.json``, ``holdout.parquet``,
``evaluation.json``, ``shap_sample.parquet`` (when explained), ``MODEL_CARD.md``,
``metadata.json`` (listing the sha256 and size of every other file) and ``metadata.sha256``
(the sha256 of ``metadata.json``). ``<root>/champion.json`` names the champion.

Loading reads each file's bytes once, checks size and sha256 against the metadata before any
parser sees them, and refuses files the metadata does not list (a dropped ``evil.pkl``).
A model this registry object did not write or already verify is first loaded and scored in a
subprocess (:mod:`model.smoke`): XGBoost and LightGBM can abort the whole process on corrupt
input. The digest file catches corruption and casual edits; it is no defence against someone
who can rewrite every file, so keep the registry folder writable only by its owner.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from model.artifacts import (
    ARTIFACT_FILES,
    DIGEST_FILE,
    METADATA_FILE,
    MODEL_FILES,
    bundle_files,
    bundle_from_files,
    json_bytes,
)
from model.bundle import ModelBundle
from model.errors import ModelIntegrityError, ModelNotFoundError

__all__ = ["ModelIntegrityError", "ModelNotFoundError", "ModelSummary", "Registry", "VerifyResult"]

CHAMPION_FILE = "champion.json"
MODEL_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
MAX_METADATA_BYTES = 64_000_000
SMOKE_TIMEOUT_SECONDS = 180.0
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ModelSummary:
    """One line of ``Registry.list()``."""

    model_id: str
    dataset: str
    algorithm: str
    created: str
    test_auc: float | None
    verified: bool
    is_champion: bool


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :meth:`Registry.verify`: ``ok`` and the problems found (empty when ok)."""

    model_id: str
    ok: bool
    problems: tuple[str, ...]
    files_checked: tuple[str, ...]


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class Registry:
    """Models saved under ``root``; see the module docstring for the format and checks."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._trusted: dict[str, str] = {}

    # ------------------------------------------------------------------ paths and ids
    def _folder(self, model_id: str) -> Path:
        if not isinstance(model_id, str) or not MODEL_ID_PATTERN.match(model_id):
            raise ModelNotFoundError(
                f"`model_id` must be letters, digits, '_', '.' or '-'; got {model_id!r}."
            )
        return self.root / model_id

    def _resolve(self, model_id: str) -> str:
        if model_id == "champion":
            champion = self.champion_id()
            if champion is None:
                raise ModelNotFoundError(
                    f"No champion model in {self.root}; train one with `python -m model train` "
                    "or promote one with `python -m model promote ID`."
                )
            return champion
        folder = self._folder(model_id)
        if not folder.is_dir():
            raise ModelNotFoundError(
                f"No model '{model_id}' in the registry; `python -m model list` shows the ids."
            )
        return model_id

    # ------------------------------------------------------------------ save
    def save(self, bundle: ModelBundle) -> Path:
        """Write ``bundle`` as a new model folder (atomically) and return its path."""
        folder = self._folder(bundle.model_id)
        if folder.exists():
            raise ModelIntegrityError(f"Model '{bundle.model_id}' already exists in {self.root}.")
        self.root.mkdir(parents=True, exist_ok=True)
        files = bundle_files(bundle)
        metadata = dict(bundle.metadata)
        metadata["model_id"] = bundle.model_id
        metadata["model_file"] = MODEL_FILES[bundle.algorithm]
        metadata["files"] = {
            name: {"sha256": sha256_hex(data), "size": len(data)}
            for name, data in sorted(files.items())
        }
        meta_bytes = json_bytes(metadata)
        staging = self.root / f".staging-{bundle.model_id}-{secrets.token_hex(4)}"
        staging.mkdir()
        try:
            for name, data in files.items():
                (staging / name).write_bytes(data)
            (staging / METADATA_FILE).write_bytes(meta_bytes)
            (staging / DIGEST_FILE).write_text(sha256_hex(meta_bytes) + "\n", encoding="ascii")
            os.replace(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._trusted[bundle.model_id] = sha256_hex(meta_bytes)
        return folder

    # ------------------------------------------------------------------ integrity
    def _read_verified(self, model_id: str) -> tuple[dict[str, Any], dict[str, bytes], str]:
        """Metadata, verified file bytes and the metadata digest; raises naming the bad file."""
        folder = self._folder(model_id)
        digest_path = folder / DIGEST_FILE
        meta_path = folder / METADATA_FILE
        for path in (digest_path, meta_path):
            if not path.is_file() or path.is_symlink():
                raise ModelIntegrityError(
                    f"Model '{model_id}': required file {path.name} is missing."
                )
        expected = digest_path.read_text(encoding="ascii", errors="replace").strip()
        if meta_path.stat().st_size > MAX_METADATA_BYTES:
            raise ModelIntegrityError(f"Model '{model_id}': {METADATA_FILE} is implausibly large.")
        meta_bytes = meta_path.read_bytes()
        if not meta_bytes:
            raise ModelIntegrityError(f"Model '{model_id}': {METADATA_FILE} is empty.")
        meta_digest = sha256_hex(meta_bytes)
        if meta_digest != expected:
            raise ModelIntegrityError(
                f"Model '{model_id}': {METADATA_FILE} does not match {DIGEST_FILE} (edited or "
                "corrupt); refusing to load it. Retrain or restore the folder from a backup."
            )
        try:
            metadata = json.loads(meta_bytes)
        except ValueError as exc:
            raise ModelIntegrityError(
                f"Model '{model_id}': {METADATA_FILE} is not valid JSON."
            ) from exc
        listed = metadata.get("files")
        if metadata.get("model_id") != model_id or not isinstance(listed, dict):
            raise ModelIntegrityError(
                f"Model '{model_id}': {METADATA_FILE} belongs to {metadata.get('model_id')!r} or "
                "lacks its file list."
            )
        allowed = set(listed) | {METADATA_FILE, DIGEST_FILE}
        unexpected = sorted(p.name for p in folder.iterdir() if p.name not in allowed)
        if unexpected:
            raise ModelIntegrityError(
                f"Model '{model_id}': unexpected files {unexpected} in the model folder; a model "
                "folder holds only the files its metadata lists. Remove them (never load them)."
            )
        files: dict[str, bytes] = {}
        for name, facts in sorted(listed.items()):
            path = folder / name
            if name not in ARTIFACT_FILES or not isinstance(facts, dict):
                raise ModelIntegrityError(
                    f"Model '{model_id}': {name} is not a known artifact file."
                )
            if not path.is_file() or path.is_symlink():
                raise ModelIntegrityError(f"Model '{model_id}': file {name} is missing.")
            size = path.stat().st_size
            if size == 0:
                raise ModelIntegrityError(f"Model '{model_id}': file {name} is empty.")
            if size != facts.get("size"):
                raise ModelIntegrityError(
                    f"Model '{model_id}': file {name} has {size} bytes; metadata says "
                    f"{facts.get('size')} (truncated or replaced)."
                )
            data = path.read_bytes()
            if sha256_hex(data) != facts.get("sha256"):
                raise ModelIntegrityError(
                    f"Model '{model_id}': sha256 of {name} does not match the metadata (corrupt or "
                    "tampered); refusing to load it."
                )
            files[name] = data
        model_file = MODEL_FILES.get(str(metadata.get("algorithm")))
        if model_file is None or model_file not in files:
            raise ModelIntegrityError(
                f"Model '{model_id}': the model file is not listed in {METADATA_FILE}."
            )
        return metadata, files, meta_digest

    def _smoke_in_subprocess(self, model_id: str) -> None:
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from model.smoke import main; sys.exit(main(sys.argv[2:]))"
        )
        command = [
            sys.executable,
            "-c",
            code,
            str(PROJECT_ROOT),
            str(self.root.resolve()),
            model_id,
        ]
        try:
            done = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
                command, capture_output=True, text=True, timeout=SMOKE_TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ModelIntegrityError(
                f"Model '{model_id}': loading it in a separate process took over "
                f"{SMOKE_TIMEOUT_SECONDS:.0f} s; refusing it."
            ) from exc
        if done.returncode != 0:
            how = f"crashed (signal {-done.returncode})" if done.returncode < 0 else "failed"
            detail = (done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or [""])[
                -1
            ]
            raise ModelIntegrityError(
                f"Model '{model_id}': loading and test-scoring it in a separate process {how}: "
                f"{detail[:300]}"
            )

    def load(self, model_id: str, *, isolate: bool = True) -> ModelBundle:
        """Load a model by id, or ``"champion"``, after every integrity check.

        Parameters
        ----------
        model_id : str
        isolate : bool
            Smoke-load untrusted models in a subprocess first (turned off only inside that
            subprocess).

        Raises
        ------
        ModelNotFoundError, ModelIntegrityError
        """
        model_id = self._resolve(model_id)
        metadata, files, digest = self._read_verified(model_id)
        if isolate and self._trusted.get(model_id) != digest:
            self._smoke_in_subprocess(model_id)
        model_file = MODEL_FILES[str(metadata["algorithm"])]
        try:
            bundle = bundle_from_files(metadata, files, model_sha256=sha256_hex(files[model_file]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelIntegrityError(
                f"Model '{model_id}': its files are inconsistent: {exc}"
            ) from exc
        self._trusted[model_id] = digest
        return bundle

    def verify(self, model_id: str, *, isolate: bool = True) -> VerifyResult:
        """Check hashes, sizes and folder contents, then load and score in a subprocess.

        With ``isolate=False`` the subprocess is skipped for a model this registry object
        wrote or already verified (and whose metadata is unchanged since).
        """
        try:
            model_id = self._resolve(model_id)
            metadata, files, digest = self._read_verified(model_id)
            if isolate or self._trusted.get(model_id) != digest:
                self._smoke_in_subprocess(model_id)
        except (ModelIntegrityError, ModelNotFoundError) as exc:
            return VerifyResult(str(model_id), False, (str(exc),), ())
        self._trusted[model_id] = digest
        return VerifyResult(model_id, True, (), (*sorted(files), METADATA_FILE, DIGEST_FILE))

    # ------------------------------------------------------------------ listing and champion
    def ids(self) -> list[str]:
        """Model folder names, oldest first by name."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir() if p.is_dir() and MODEL_ID_PATTERN.match(p.name)
        )

    def list(self) -> list[ModelSummary]:
        """A summary per model; ``verified`` means every hash and size checked out."""
        champion = self.champion_id()
        out = []
        for model_id in self.ids():
            try:
                metadata, _, _ = self._read_verified(model_id)
                verified = True
            except ModelIntegrityError:
                metadata, verified = {}, False
            auc = metadata.get("metrics", {}).get("auc")
            out.append(
                ModelSummary(
                    model_id=model_id,
                    dataset=str(metadata.get("dataset", {}).get("name", "?")),
                    algorithm=str(metadata.get("algorithm", "?")),
                    created=str(metadata.get("created_utc", "?")),
                    test_auc=float(auc) if isinstance(auc, int | float) else None,
                    verified=verified,
                    is_champion=model_id == champion,
                )
            )
        return out

    def champion_id(self) -> str | None:
        """Id of the champion model, or None when none is set or its folder is gone."""
        path = self.root / CHAMPION_FILE
        if not path.is_file():
            return None
        try:
            model_id = json.loads(path.read_text(encoding="utf-8")).get("model_id")
        except (ValueError, AttributeError):
            return None
        if not isinstance(model_id, str) or not MODEL_ID_PATTERN.match(model_id):
            return None
        return model_id if (self.root / model_id).is_dir() else None

    def promote(self, model_id: str) -> None:
        """Make ``model_id`` the champion once verified (no subprocess for a model just saved)."""
        result = self.verify(model_id, isolate=False)
        if not result.ok:
            raise ModelIntegrityError(f"Cannot promote '{model_id}': {result.problems[0]}")
        payload = json_bytes(
            {
                "model_id": result.model_id,
                "promoted_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        partial = self.root / f".{CHAMPION_FILE}.{secrets.token_hex(4)}"
        partial.write_bytes(payload)
        os.replace(partial, self.root / CHAMPION_FILE)
