"""`helpline report` as an admin or cron uses it: data on stdout, progress on stderr, documented
exit codes, the email figures (E2), and an HTML page that needs nothing from elsewhere."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from helpline_cli.main import main

pytestmark = pytest.mark.usefixtures("cli_env")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_is_data_only_and_hides_small_cells(
    registered: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys, "--from", "2026-01", "--to", "2026-03", "--by", "channel,age", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)  # stdout holds the JSON and nothing else
    assert "freezing the figures of 2026-01" in err
    assert data["dimensions"] == ["period", "channel", "age"]
    published = [cell["count"] for cell in data["cells"] if cell["count"] is not None]
    assert all(count == 0 or count >= 10 for count in published)
    assert data["protection"]["suppressed_cells"] > 0
    grand = next(c for c in data["cells"] if c["period"] == c["channel"] == c["age"] == "Total")
    assert grand["count"] == data["totals"]["requests"]  # the grand total is true and published
    assert {row["team"]: row["received"] for row in data["emails"]} == {"antwerpen": 4}
    (email,) = data["emails"]
    assert (email["in_time"], email["late"], email["still_open"]) == (2, 1, 1)


def test_csv_quarter_and_same_numbers_the_second_time(
    registered: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--from", "2026-01-01", "--to", "2026-03-31", "--period", "quarter", "--by", "form")
    code, first, _ = _run(capsys, *args, "--format", "csv", "--measure", "contacts")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(first)))
    assert rows[0].keys() == {"form", "count", "status"}  # one quarter: no period column
    assert {row["form"] for row in rows} >= {"several", "unknown", "Total"}
    code, second, _ = _run(capsys, *args, "--format", "csv", "--measure", "contacts")
    assert second == first


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--from", "2026-01-15", "--to", "2026-03"), 2),  # not a whole month
        (("--from", "2026-01", "--to", "2026-03", "--by", "colour"), 2),
        (("--from", "2026-01", "--to", "2026-03", "--by", "channel,age,sex"), 2),  # 4 with period
        (("--from", "2026-01", "--to", "2026-03", "--by", "relation"), 2),  # victims only
        (("--from", "2099-01", "--to", "2099-01"), 1),  # not closed yet
    ],
)
def test_bad_requests_get_a_sentence_and_the_documented_code(
    registered: Engine, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], expected: int
) -> None:
    code, out, err = _run(capsys, *args, "--format", "json")
    assert code == expected
    assert out == ""
    assert err.strip() and "Traceback" not in err


def test_terminal_table_marks_hidden_cells(
    registered: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _run(capsys, "--from", "2026-03", "--to", "2026-03", "--by", "channel,age")
    assert code == 0, err
    assert "Totaal" in out and " x" in out
    assert "cells hidden" in err
    assert "still_open" in out  # the email figures follow the table
    saved = tmp_path / "figures.txt"
    code, out, _ = _run(capsys, "--from", "2026-03", "--to", "2026-03", "--out", str(saved))
    assert code == 0 and out == ""
    assert "Totaal" in saved.read_text(encoding="utf-8")


def test_freeze_command_for_cron(registered: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "freeze", "--json")
    assert code == 0
    months = [row["month"] for row in json.loads(out)]
    assert months[:3] == ["2026-01", "2026-02", "2026-03"]
    code, out, _ = _run(capsys, "freeze", "--json")
    assert json.loads(out) == []


@pytest.mark.browser
def test_html_page_is_self_contained_and_printable(
    registered: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "figures.html"
    code, _, err = _run(
        capsys, "--from", "2026-01", "--to", "2026-03",
        "--format", "html", "--out", str(page_file), "--language", "en",
    )  # fmt: skip
    assert code == 0, err
    html = page_file.read_text(encoding="utf-8")
    for outside in ("<script", " src=", 'href="http', "url(", "@import", "<link"):
        assert outside not in html
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_file.as_uri())
        page.wait_for_load_state("networkidle")
        # per month by channel, forms of violence, and age from a table of its own
        assert page.locator("svg").count() == 3
        assert page.locator("td.primary").count() > 0
        assert "Protection." in page.inner_text(".note")
        page.screenshot(path=str(tmp_path / "figures.png"), full_page=True)
        page.pdf(path=str(tmp_path / "figures.pdf"))  # printable
        browser.close()
    assert requests == [page_file.as_uri()]  # no request leaves the page
    print(f"screenshot: {tmp_path / 'figures.png'}")
