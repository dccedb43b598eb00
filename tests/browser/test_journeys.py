"""User journeys in a real browser: scoring, a refused file, the simulator, training, XSS."""

from __future__ import annotations

import csv
import io

import pytest

from components.cache import SAMPLE_ROWS
from model.registry import Registry
from tests.app.test_models import labelled_csv
from tests.browser.conftest import wait_idle

pytestmark = pytest.mark.browser


def _holdout_csv(env, rows: int = 40, edit=None) -> bytes:
    bundle = Registry(env.registry_dir).load(env.model_id)
    spec = bundle.spec
    frame = bundle.holdout.head(rows)[["id", *spec.feature_names]].rename(
        columns={"id": spec.id_column})
    if edit is not None:
        frame = edit(frame)
    return frame.to_csv(index=False).encode()


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` (typing filters the options)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)).last
    box.locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    wait_idle(page)


def _upload(page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data})
    wait_idle(page)


def test_score_the_sample_file_and_download_the_result(session, lendscope_env):
    holdout = Registry(lendscope_env.registry_dir).load(lendscope_env.model_id).holdout
    sample_rows = min(SAMPLE_ROWS, len(holdout))
    page = session.open("score_applicants")
    page.get_by_role("button", name="Score the sample file").click()
    page.get_by_text(f"File accepted: all {sample_rows:,} rows passed the checks.").wait_for()
    wait_idle(page)
    assert session.metric("Scored") == f"{sample_rows:,}"
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the scored file (CSV)").click()
    download = info.value
    assert download.suggested_filename == "sample_applicants_scored.csv"
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sample_rows
    assert {"id", "pd", "points", "band", "decision", "reason_1", "model_id"} <= set(rows[0])
    assert all(0.0 < float(r["pd"]) < 1.0 for r in rows)
    assert {r["decision"] for r in rows} <= {"approve", "refer", "decline"}
    declined = [r for r in rows if r["decision"] == "decline"]
    assert all(r["reason_1"] for r in declined)
    assert session.metric("Declined") == f"{len(declined)}"
    assert not session.dialogs


def test_a_malformed_file_shows_the_specific_error(session, lendscope_env):
    page = session.open("score_applicants")
    data = _holdout_csv(lendscope_env, edit=lambda f: f.drop(columns=["supplier_delay_days"]))
    _upload(page, "broken.csv", data)
    page.get_by_text("The file was refused; nothing was scored.").wait_for()
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("supplier_delay_days" in text for text in alerts), alerts
    assert page.locator('[data-testid="stException"]').count() == 0


def test_moving_the_cutoff_changes_the_kpis(session):
    page = session.open("lending_simulator")
    page.get_by_text("Net profit by cut-off").first.wait_for()
    before = (session.metric("Approval rate"), session.metric("Net profit"))
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    for _ in range(30):
        thumb.press("ArrowLeft")
    page.wait_for_function(
        """(old) => {
            const cards = [...document.querySelectorAll('[data-testid="stMetric"]')];
            const card = cards.find(c => c.innerText.startsWith('Approval rate'));
            return card && !card.innerText.includes(old);
        }""", arg=before[0])
    wait_idle(page)
    after = (session.metric("Approval rate"), session.metric("Net profit"))
    assert after[0] != before[0]
    assert float(after[0].rstrip("%")) < float(before[0].rstrip("%"))
    assert page.locator('[data-testid="stException"]').count() == 0


def test_train_from_an_uploaded_csv_and_promote_it(session, lendscope_env):
    registry = Registry(lendscope_env.registry_dir)
    before = set(registry.ids())
    page = session.open("models")
    page.get_by_text("My labelled CSV").click()
    wait_idle(page)
    _upload(page, "browser_loans.csv", labelled_csv(rows=600, seed=5))
    page.get_by_text("What Lendscope inferred").wait_for()
    _choose(page, "Algorithm", "logistic")
    page.get_by_text("The roles above are right").click()
    wait_idle(page)
    page.get_by_role("button", name="Train on my file").click()
    page.get_by_text("Trained and registered").wait_for(timeout=180_000)
    new = sorted(set(registry.ids()) - before)
    assert len(new) == 1 and new[0].startswith("browser_loans-")
    try:
        _choose(page, "Model", new[0])
        page.get_by_role("button", name="Promote to champion").click()
        page.get_by_text(f"Promoted {new[0]} to champion.").wait_for()
        assert registry.champion_id() == new[0]
    finally:
        registry.promote(lendscope_env.model_id)


def test_uploaded_html_is_shown_as_text_and_never_runs(session, lendscope_env):
    payloads = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]

    def inject(frame):
        frame = frame.copy()
        frame.loc[frame.index[:2], "sector"] = payloads
        frame.loc[frame.index[:2], frame.columns[0]] = payloads
        return frame

    page = session.open("score_applicants")
    _upload(page, "payload.csv", _holdout_csv(lendscope_env, edit=inject))
    page.get_by_text("Scored applicants").wait_for()
    page.wait_for_timeout(1500)
    body = page.locator("body").inner_text()
    for payload in payloads:
        assert payload in body
    assert page.locator('img[src="x"]').count() == 0
    scripts = page.evaluate("[...document.scripts].map(s => s.textContent).join('\\n')")
    assert "alert(1)" not in scripts
    assert session.dialogs == []
