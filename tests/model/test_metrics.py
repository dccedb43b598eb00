import numpy as np
import pytest

from data.errors import LendscopeError
from model import metrics

Y = np.array([0, 0, 1, 1])
S = np.array([0.1, 0.4, 0.35, 0.8])


def test_auc_gini_ks_hand_computed():
    # pairs (bad, good): (0.35>0.1) (0.35<0.4) (0.8>0.1) (0.8>0.4) -> 3/4
    assert metrics.auc(Y, S) == pytest.approx(0.75)
    assert metrics.gini(Y, S) == pytest.approx(0.5)
    # thresholds: >=0.8: tpr .5 fpr 0 -> gap .5; >=0.35: tpr 1 fpr .5 -> .5
    assert metrics.ks(Y, S) == pytest.approx(0.5)


def test_auc_ties_count_half():
    assert metrics.auc([0, 1], [0.3, 0.3]) == pytest.approx(0.5)


def test_brier_and_log_loss_hand_computed():
    p = np.array([0.2, 0.5])
    y = np.array([0, 1])
    assert metrics.brier(y, p) == pytest.approx((0.04 + 0.25) / 2)
    assert metrics.log_loss(y, p) == pytest.approx(-(np.log(0.8) + np.log(0.5)) / 2)


def test_pr_auc_hand_computed():
    # ranked: 0.8 (bad), 0.4 (good), 0.35 (bad), 0.1 (good)
    # AP = sum over bads of precision at their rank / n_bads = (1/1 + 2/3) / 2
    assert metrics.pr_auc(Y, S) == pytest.approx((1 + 2 / 3) / 2)


def test_ece_hand_computed_two_bins():
    p = np.array([0.1, 0.1, 0.9, 0.7])
    y = np.array([0, 1, 1, 1])
    # bins: {0.1, 0.1}: mean pd .1, bad rate .5 -> .4; {0.7, 0.9}: .8 vs 1 -> .2
    assert metrics.ece(y, p, n_bins=2) == pytest.approx(0.5 * 0.4 + 0.5 * 0.2)


def test_ece_zero_when_perfect_within_bins():
    y = np.array([0, 1, 0, 1])
    assert metrics.ece(y, np.full(4, 0.5), n_bins=1) == pytest.approx(0.0)


def test_calibration_table_columns_and_counts():
    table = metrics.calibration_table(Y, S, n_bins=2)
    assert table["n"].tolist() == [2, 2]
    assert table["bad_rate"].tolist() == [0.5, 0.5]
    assert table["mean_pd"].tolist() == pytest.approx([0.225, 0.6])


def test_gains_table_riskiest_first():
    table = metrics.gains_table(Y, S, n_groups=2)
    # riskiest half: 0.8 (bad), 0.4 (good) -> 1 bad of 2; cumulative capture .5
    assert table["bads"].tolist() == [1, 1]
    assert table["cum_bads_captured"].tolist() == pytest.approx([0.5, 1.0])
    assert table["lift"].tolist() == pytest.approx([1.0, 1.0])
    assert table["cum_population"].tolist() == pytest.approx([0.5, 1.0])


def test_curve_points_span_unit_square():
    roc = metrics.roc_points(Y, S)
    assert roc["fpr"].iloc[0] == 0 and roc["tpr"].iloc[-1] == 1
    ks_curve = metrics.ks_points(Y, S)
    assert ks_curve["gap"].max() == pytest.approx(metrics.ks(Y, S))
    pr = metrics.pr_points(Y, S)
    assert set(pr.columns) == {"recall", "precision", "threshold"}


def test_curve_points_thinned():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 5000)
    s = rng.random(5000)
    assert len(metrics.roc_points(y, s, max_points=50)) <= 50


@pytest.mark.parametrize(
    "y, s, match",
    [
        ([0, 0], [0.1, 0.2], "both"),
        ([0, 2], [0.1, 0.2], "only 0 and 1"),
        ([0, 1], [0.1], "same length"),
        ([0, 1], [0.1, np.nan], "finite"),
    ],
)
def test_bad_inputs_refused(y, s, match):
    with pytest.raises(LendscopeError, match=match):
        metrics.auc(y, s)
