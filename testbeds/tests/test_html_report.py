"""The HTML report (`--format html`) in a real browser: Debian's headless Chromium driven
by ChromeDriver through Selenium. The report comes from a real probe of the leaky
testbed (HTTP evidence) plus its code analysis (code frames), with a recorded history
(score trend). A screenshot is saved to target/test-artifacts/.
"""
import base64
import json
import subprocess
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "debug" / "spillcheck"
ARTIFACTS = ROOT / "target" / "test-artifacts"


def spillcheck(*args, cwd=None):
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def report(beds, tmp_path_factory):
    """(json report, html path): a scan of the running leaky app, recorded three times."""
    bed = beds["leaky-notes"]
    tmp = tmp_path_factory.mktemp("html")
    db = tmp / "history.db"
    token_a, token_b = bed.token("alice"), bed.token("bob")
    args = ["scan", str(ROOT / "testbeds" / "leaky-notes"), "--url", bed.url,
            "--token", token_a, "--token-b", token_b, "--rate", "0", "--db", str(db)]
    for _ in range(2):
        done = spillcheck(*args, "--record", "--format", "json", "-o", str(tmp / "scan.json"))
        assert done.returncode == 1, done.stderr
    html = tmp / "report.html"
    done = spillcheck(*args, "--record", "--format", "html", "-o", str(html))
    assert done.returncode == 1, done.stderr
    data = json.loads((tmp / "scan.json").read_text())
    text = html.read_text()
    for token in (token_a, token_b):
        assert token not in text
    return data, html


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1366,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def visible(driver, selector):
    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def test_html_report_in_chromium(report, browser):
    data, html = report
    browser.get(html.as_uri())
    # Loads without console errors, and fetches nothing (self-contained, offline).
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0

    total = len(data["findings"])
    assert total > 10
    assert browser.find_element(By.ID, "total-count").text == str(total)
    assert browser.find_element(By.ID, "shown-count").text == str(total)
    assert len(browser.find_elements(By.CSS_SELECTOR, "details.finding")) == total
    score = browser.find_element(By.ID, "score")
    assert score.get_attribute("data-score") == str(data["score"])
    assert score.get_attribute("data-grade") == data["grade"]
    # Charts, and the trend of the three recorded runs.
    assert browser.find_element(By.ID, "chart-severity").is_displayed()
    assert browser.find_element(By.ID, "chart-owasp").is_displayed()
    assert browser.find_element(By.ID, "chart-trend").get_attribute("data-points") == "3"

    # Severity filter: hiding "high" hides exactly the high findings.
    high = sum(1 for f in data["findings"] if f["severity"] == "high")
    assert high > 0
    browser.find_element(By.CSS_SELECTOR, "input[name=severity][value=high]").click()
    assert browser.find_element(By.ID, "shown-count").text == str(total - high)
    shown = visible(browser, "details.finding")
    assert len(shown) == total - high
    assert all(e.get_attribute("data-severity") != "high" for e in shown)
    browser.find_element(By.CSS_SELECTOR, "input[name=severity][value=high]").click()

    # Rule filter.
    sc210 = sum(1 for f in data["findings"] if f["rule_id"] == "SC210")
    assert sc210 > 0
    Select(browser.find_element(By.ID, "rule-filter")).select_by_value("SC210")
    shown = visible(browser, "details.finding")
    assert len(shown) == sc210 and browser.find_element(By.ID, "shown-count").text == str(sc210)
    # A finding opens to its HTTP evidence and code frame.
    shown[0].find_element(By.CSS_SELECTOR, "summary").click()
    body = shown[0].find_element(By.CSS_SELECTOR, ".body").text
    assert "/api/notes/" in body
    assert shown[0].find_elements(By.CSS_SELECTOR, "pre.code"), "no code frame"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    Select(browser.find_element(By.ID, "rule-filter")).select_by_value("")
    assert browser.find_element(By.ID, "shown-count").text == str(total)
    browser.save_screenshot(str(ARTIFACTS / "html-report.png"))
    assert (ARTIFACTS / "html-report.png").stat().st_size > 10_000

    # Readable on a laptop screen: nothing wider than the window.
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0

    # Prints cleanly: filters hidden in print media, every finding printed open.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    filters = browser.find_element(By.CSS_SELECTOR, ".filters")
    assert filters.value_of_css_property("display") == "none"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(browser.print_page())
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    (ARTIFACTS / "html-report.pdf").write_bytes(pdf)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


def test_html_report_without_findings_or_history(tmp_path, browser):
    html = tmp_path / "clean.html"
    done = spillcheck("code", str(ROOT / "testbeds" / "hardened-notes"), "--format", "html",
                      "-o", str(html), "--db", str(tmp_path / "none.db"))
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "none.db").exists()  # reading a trend never creates a database
    browser.get(html.as_uri())
    assert browser.find_element(By.ID, "total-count").text == "0"
    assert browser.find_elements(By.ID, "chart-trend") == []
    assert "No findings." in browser.find_element(By.ID, "findings").text
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_html_framework_view_in_chromium(tmp_path, browser):
    """`--compliance`: one printable table per framework, control → findings, with the notice."""
    leaky = str(ROOT / "testbeds" / "leaky-notes")
    summary = json.loads(spillcheck("code", leaky, "--compliance", "pci-dss,gdpr", "--format", "json").stdout)
    html = tmp_path / "evidence.html"
    done = spillcheck("code", leaky, "--compliance", "pci-dss,gdpr", "--format", "html", "-o", str(html))
    assert done.returncode == 1, done.stderr
    browser.get(html.as_uri())
    section = browser.find_element(By.ID, "compliance")
    assert section.is_displayed()
    frameworks = browser.find_elements(By.CSS_SELECTOR, "section.framework")
    assert [f.get_attribute("data-framework") for f in frameworks] == ["pci-dss", "gdpr"]
    for view, data in zip(frameworks, summary["compliance"]):
        assert "Not a compliance attestation" in view.text
        rows = view.find_elements(By.CSS_SELECTOR, "tr.findings")
        assert len(rows) == data["with_findings"] > 0
        first = rows[0].find_elements(By.TAG_NAME, "td")
        control = next(c for c in data["controls"] if c["control"] == first[0].text)
        assert first[3].text.startswith(str(control["findings"]))
    # Each framework starts a printed page; the PDF holds them.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert frameworks[1].value_of_css_property("break-before") == "page"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(browser.print_page())
    assert pdf.startswith(b"%PDF")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
