import numpy as np
import pandas as pd
import xgboost as xgb

from model.algorithms import NTHREAD, native_margin


def test_xgboost_margin_in_place_equals_the_dmatrix_margin(trained, toy_dataset):
    bundle = trained["xgboost"]
    frame = toy_dataset.frame.head(200).copy()
    categorical = [f.name for f in bundle.spec.features if f.kind != "numeric"]
    for name in categorical:
        # Unseen, missing, accented and differently cased levels.
        frame[name] = frame[name].astype(object)
        frame.loc[frame.index[:4], name] = ["Apurímac", None, " ", str(frame[name].iloc[5]).upper()]
    prepared = bundle.prepare(frame)
    matrix = xgb.DMatrix(prepared, enable_categorical=True, nthread=NTHREAD)
    expected = bundle.estimator.predict(matrix, output_margin=True).astype(np.float64)
    got = native_margin("xgboost", bundle.estimator, prepared)
    assert categorical and isinstance(prepared[categorical[0]].dtype, pd.CategoricalDtype)
    np.testing.assert_array_equal(got, expected)
