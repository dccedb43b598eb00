"""Bundle <-> files: formats that load without executing code.

XGBoost models are saved as XGBoost JSON, LightGBM models as LightGBM text, the logistic
baseline, encoders and calibrators as plain JSON, tables as Parquet. Nothing is pickled.
Readers take bytes that the registry has already checked against ``metadata.json``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import lightgbm as lgb
import pandas as pd
import xgboost as xgb

from data.errors import LendscopeError
from model.algorithms import NTHREAD
from model.bundle import ModelBundle, spec_from_json
from model.calibration import calibrator_from_dict
from model.card import render_model_card
from model.encoding import TreeEncoder
from model.evaluation import Evaluation
from model.features import FeatureSchema
from model.logistic import WoeLogistic
from model.scale import ScoreScale

MODEL_FILES: dict[str, str] = {
    "xgboost": "model.xgb.json",
    "lightgbm": "model.lgb.txt",
    "logistic": "model.logistic.json",
}
ENCODER_FILE = "encoder.json"
CALIBRATOR_FILE = "calibrator.json"
HOLDOUT_FILE = "holdout.parquet"
EVALUATION_FILE = "evaluation.json"
SHAP_FILE = "shap_sample.parquet"
CARD_FILE = "MODEL_CARD.md"
METADATA_FILE = "metadata.json"
DIGEST_FILE = "metadata.sha256"
ARTIFACT_FILES: frozenset[str] = frozenset(
    {
        *MODEL_FILES.values(),
        ENCODER_FILE,
        CALIBRATOR_FILE,
        HOLDOUT_FILE,
        EVALUATION_FILE,
        SHAP_FILE,
        CARD_FILE,
    }
)


def json_bytes(value: Any) -> bytes:
    """Canonical UTF-8 JSON (sorted keys, no NaN)."""
    return json.dumps(value, indent=1, sort_keys=True, allow_nan=False).encode("utf-8")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """Parquet bytes of ``frame`` (index dropped)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def model_bytes(bundle: ModelBundle) -> bytes:
    """The fitted estimator in its code-free format."""
    if bundle.algorithm == "xgboost":
        return bytes(bundle.estimator.save_raw(raw_format="json"))
    if bundle.algorithm == "lightgbm":
        return bundle.estimator.model_to_string().encode("utf-8")
    return json_bytes(bundle.estimator.to_dict())


def bundle_files(bundle: ModelBundle) -> dict[str, bytes]:
    """Every artifact file of ``bundle`` except the metadata, by file name."""
    files = {
        MODEL_FILES[bundle.algorithm]: model_bytes(bundle),
        CALIBRATOR_FILE: json_bytes(bundle.calibrator.to_dict()),
        HOLDOUT_FILE: parquet_bytes(bundle.holdout),
        CARD_FILE: render_model_card(bundle).encode("utf-8"),
    }
    if bundle.encoder is not None:
        files[ENCODER_FILE] = json_bytes(bundle.encoder.to_dict())
    if bundle.evaluation is not None:
        files[EVALUATION_FILE] = json_bytes(bundle.evaluation.to_dict())
    if bundle.shap_sample is not None:
        files[SHAP_FILE] = parquet_bytes(bundle.shap_sample)
    return files


def load_estimator(algorithm: str, data: bytes) -> Any:
    """Parse a model file's verified bytes (native parsers; call only after hash checks)."""
    if algorithm == "xgboost":
        booster = xgb.Booster()
        booster.load_model(bytearray(data))
        booster.set_param({"nthread": NTHREAD})
        return booster
    if algorithm == "lightgbm":
        return lgb.Booster(model_str=data.decode("utf-8"))
    return WoeLogistic.from_dict(json.loads(data))


def bundle_from_files(
    metadata: Mapping[str, Any], files: Mapping[str, bytes], *, model_sha256: str
) -> ModelBundle:
    """Rebuild a bundle from verified file bytes and parsed metadata."""
    algorithm = str(metadata.get("algorithm"))
    if algorithm not in MODEL_FILES:
        raise LendscopeError(
            f"metadata `algorithm` must be one of {list(MODEL_FILES)}; got {algorithm!r}."
        )
    estimator = load_estimator(algorithm, files[MODEL_FILES[algorithm]])
    encoder = (
        TreeEncoder.from_dict(json.loads(files[ENCODER_FILE])) if ENCODER_FILE in files else None
    )
    evaluation = (
        Evaluation.from_dict(json.loads(files[EVALUATION_FILE]))
        if EVALUATION_FILE in files
        else None
    )
    shap_sample = pd.read_parquet(io.BytesIO(files[SHAP_FILE])) if SHAP_FILE in files else None
    return ModelBundle(
        model_id=str(metadata["model_id"]),
        algorithm=algorithm,
        spec=spec_from_json(metadata["spec"]),
        schema=FeatureSchema.from_dict(metadata["schema"]),
        estimator=estimator,
        encoder=encoder,
        calibrator=calibrator_from_dict(json.loads(files[CALIBRATOR_FILE])),
        scale=ScoreScale.from_dict(metadata["scale"]),
        metadata=metadata,
        holdout=pd.read_parquet(io.BytesIO(files[HOLDOUT_FILE])),
        model_sha256=model_sha256,
        evaluation=evaluation,
        shap_sample=shap_sample,
    )
