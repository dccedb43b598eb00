"""``python -m model``: train from a user CSV with only a target, then list/show/verify/promote."""

import json

import numpy as np
import pytest

from model.__main__ import build_parser, main
from tests.model.conftest import toy_frame


@pytest.fixture()
def settings_env(tmp_path, monkeypatch):
    monkeypatch.setenv("LENDSCOPE_REGISTRY_DIR", str(tmp_path / "registry"))
    monkeypatch.setenv("LENDSCOPE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LENDSCOPE_SYNTHETIC_ROWS", "1500")
    return tmp_path


def user_csv(tmp_path, frame=None):
    frame = toy_frame(500) if frame is None else frame
    path = tmp_path / "loans.csv"
    frame.drop(columns=["app_id", "amt"]).to_csv(path, index=False)
    return path


def last_json(text):
    return json.loads(text.strip().splitlines()[-1])


def test_user_csv_with_only_target_trains_end_to_end(settings_env, capsys):
    path = user_csv(settings_env)
    code = main(["train", "--dataset", str(path), "--target", "y", "--algorithm", "logistic"])
    out, err = capsys.readouterr()
    assert code == 0
    line = last_json(out)
    assert set(line) == {
        "model_id",
        "algorithm",
        "test_auc",
        "test_gini",
        "test_ks",
        "test_brier",
        "test_ece",
        "cv_auc_mean",
        "cv_auc_std",
        "rows_train",
        "rows_test",
        "train_seconds",
    }
    assert line["rows_train"] + line["rows_test"] == 500 and line["rows_test"] == 125
    assert line["test_auc"] > 0.7
    assert "numeric features" in err and "x1" in err  # the inference is printed
    assert "(champion)" in err  # first model becomes champion

    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert line["model_id"] in listing and "* " in listing
    assert main(["show", "champion"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["model_id"] == line["model_id"]
    assert "sex" not in shown["features"]  # inferred as protected, never a feature
    assert main(["verify", line["model_id"]]) == 0
    assert "OK" in capsys.readouterr().out


def test_bad_target_refused_with_message(settings_env, capsys):
    frame = toy_frame(200).assign(y=0)
    path = user_csv(settings_env, frame)
    code = main(["train", "--dataset", str(path), "--target", "y"])
    err = capsys.readouterr().err
    assert code == 2 and "error:" in err and "y" in err


def test_verify_reports_tampering(settings_env, capsys):
    path = user_csv(settings_env)
    main(["train", "--dataset", str(path), "--target", "y", "--algorithm", "logistic"])
    model_id = last_json(capsys.readouterr().out)["model_id"]
    folder = settings_env / "registry" / model_id
    (folder / "evil.pkl").write_bytes(b"x")
    assert main(["verify", model_id]) == 1
    assert "evil.pkl" in capsys.readouterr().out
    assert main(["show", model_id]) == 2


@pytest.mark.slow
def test_ensure_default_trains_once(settings_env, capsys):
    assert main(["ensure-default"]) == 0
    first = last_json(capsys.readouterr().out)
    assert first["algorithm"] == "xgboost"
    assert main(["ensure-default"]) == 0
    assert "nothing to train" in capsys.readouterr().err
    from model.registry import Registry

    registry = Registry(settings_env / "registry")
    assert registry.champion_id() == first["model_id"]
    bundle = registry.load("champion")
    assert np.isfinite(bundle.holdout["pd"]).all()


def test_parser_has_every_command():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"train", "list", "show", "promote", "verify", "ensure-default"} <= set(commands)
