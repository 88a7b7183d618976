"""The clinician page, end to end: record, assess, explain, why-not, permalink, print, keyboard.

The finding used throughout is the knee caving in on the left during the single-leg squat; what
the page shows is compared with what the API answers for the same request.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

    from tests.e2e.conftest import PageLog

pytestmark = pytest.mark.e2e

SIGN = "sls-knee-valgus"  # the knee moves inward during the single-leg squat
SIGN_QUERY = "knee caves in single leg squat"
FIRST_PATTERN = re.compile(r"glute|hip|knee|valgus", re.IGNORECASE)
SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]+\.txt\b")
REQUEST = {"findings": [{"sign": SIGN, "side": "left", "present": True}]}


# ---------------------------------------------------------------------- helpers


def open_page(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.wait_for_selector("html[data-ready='true']")


def assessed(page: Page) -> int:
    return int(page.evaluate("Number(document.documentElement.dataset.assessed || 0)"))


def wait_assessed(page: Page, before: int) -> None:
    page.wait_for_function(
        "n => Number(document.documentElement.dataset.assessed || 0) > n", arg=before
    )


def record(page: Page, sign: str, side: str) -> None:
    row = page.locator(f"#sign-{sign}")
    if not row.is_visible():
        section = page.locator("section.test", has=row)
        section.locator("button.expander").click()
    row.locator(f"input[value='{side}']").check()


def submit(page: Page) -> None:
    before = assessed(page)
    page.click("#assess")
    wait_assessed(page, before)


def shown_imbalances(page: Page) -> list[tuple[str, str]]:
    return [
        (li.get_attribute("data-imbalance") or "", li.get_attribute("data-side") or "")
        for li in page.locator("#imbalance-list > li.imbalance").all()
    ]


def record_and_assess(page: Page) -> None:
    open_page(page)
    record(page, SIGN, "left")
    submit(page)


def api(page: Page, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = (
        page.request.get(path) if method == "GET" else page.request.post(path, data=body or {})
    )
    assert response.ok, f"{method} {path} answered {response.status}: {response.text()[:300]}"
    return response.json()


def no_trouble(log: PageLog) -> None:
    assert log.errors == [], f"script errors in the page: {log.errors}"
    assert log.external == [], f"the page tried to reach the network: {log.external}"


# ---------------------------------------------------------------------- the form


def test_form_lists_every_test_and_labels_every_control(page: Page, page_log: PageLog) -> None:
    open_page(page)
    tests = api(page, "GET", "/v1/tests?limit=500")["items"]
    sections = page.locator("#tests section.test[data-test]:not([data-test=''])")
    assert sections.count() == len(tests)
    shown = set(sections.evaluate_all("els => els.map(e => e.dataset.test)"))
    assert shown == {t["id"] for t in tests}
    # every sign of the knowledge base has a control, lateral ones left/right/both
    signs = api(page, "GET", "/v1/signs?limit=500")["items"]
    for sign in signs:
        row = page.locator(f"[data-sign='{sign['id']}']")
        assert row.count() == 1, sign["id"]
        if sign["lateral"]:
            values = row.locator("input[type=radio]").evaluate_all("els => els.map(e => e.value)")
            assert {"left", "right", "bilateral"} <= set(values)
        else:
            assert row.locator("input[type=checkbox]").count() == 1
    # measures carry their range
    for measure in api(page, "GET", "/v1/measures?limit=500")["items"]:
        left = page.locator(
            f"fieldset.measure[data-measure='{measure['id']}'] input[data-side=left]"
        )
        assert float(left.get_attribute("min") or "nan") == measure["min_value"]
        assert float(left.get_attribute("max") or "nan") == measure["max_value"]
    # context lists come from the API
    causes = api(page, "GET", "/v1/causes?limit=500")["total"]
    assert page.locator("input[name=cause]").count() == causes
    assert (
        page.locator("input[name=equipment]").count()
        == api(page, "GET", "/v1/equipment?limit=500")["total"]
    )
    assert page.locator("#level option").count() == 1 + api(page, "GET", "/v1/levels")["total"]
    unlabelled = page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea, button'))
          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.getAttribute('aria-labelledby') && !(el.textContent || '').trim())
          .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unlabelled == []
    no_trouble(page_log)


def test_landmarks_headings_and_expanders(page: Page) -> None:
    open_page(page)
    for role in ("banner", "main", "contentinfo", "search"):
        assert page.get_by_role(role).count() >= 1, role
    record_and_assess(page)
    levels = page.evaluate(
        """() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
          .filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]))"""
    )
    assert levels[0] == 1
    jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert jumps == [], f"heading levels skip: {jumps}"
    expanders = page.locator("[aria-expanded]")
    sections = page.locator("section.test").count()
    assert page.locator("section.test button.expander[aria-expanded]").count() == sections
    assert expanders.count() > sections  # the explanation and plan expanders too
    tags = set(expanders.evaluate_all("els => els.map(e => e.tagName)"))
    assert tags == {"BUTTON"}
    first = page.locator("section.test button.expander").first
    state = first.get_attribute("aria-expanded")
    first.focus()
    page.keyboard.press("Enter")
    assert first.get_attribute("aria-expanded") != state


def test_search_jumps_to_the_sign(page: Page, page_log: PageLog) -> None:
    open_page(page)
    page.fill("#sign-search", SIGN_QUERY)
    page.wait_for_selector(f"#sign-search-results button[data-sign='{SIGN}']")
    page.press("#sign-search", "Enter")
    row = page.locator(f"#sign-{SIGN}")
    page.wait_for_function(
        "id => document.getElementById(id).contains(document.activeElement)", arg=f"sign-{SIGN}"
    )
    assert row.is_visible()
    assert "target" in (row.get_attribute("class") or "")
    box = row.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900
    # the arrow keys reach the listed matches too
    page.fill("#sign-search", "hip drops")
    page.wait_for_selector("#sign-search-results button")
    page.press("#sign-search", "ArrowDown")
    chosen = page.evaluate("document.activeElement.dataset.sign")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "id => document.getElementById(id).contains(document.activeElement)", arg=f"sign-{chosen}"
    )
    no_trouble(page_log)


# ---------------------------------------------------------------------- results


def test_knee_caving_in_on_the_left_ranks_a_left_hip_or_knee_imbalance_first(
    page: Page, page_log: PageLog
) -> None:
    record_and_assess(page)
    shown = shown_imbalances(page)
    assert shown, "no imbalance shown"
    first_id, first_side = shown[0]
    first_label = page.locator("#imbalance-list > li.imbalance h4").first.inner_text()
    assert first_side == "left"
    assert FIRST_PATTERN.search(first_label) or FIRST_PATTERN.search(first_id)
    expected = api(page, "POST", "/v1/assessments", REQUEST)
    assert shown == [(i["id"], i["side"] or "") for i in expected["imbalances"]]
    # the certainty is shown as a meter and as its number
    meter = page.locator("#imbalance-list > li.imbalance").first.locator("meter")
    assert float(meter.get_attribute("value") or "0") == pytest.approx(
        expected["imbalances"][0]["certainty"]
    )
    number = page.locator("#imbalance-list > li.imbalance .cf").first.inner_text()
    assert abs(float(number) - expected["imbalances"][0]["certainty"]) <= 0.005
    # the live region says what happened
    assert page.locator("#status").inner_text().startswith("Assessment done")
    # the plan is grouped by phase, each exercise with its dose and what it addresses
    phases = page.locator("#plan-phases section.phase")
    assert phases.count() == len({p["phase"] for p in expected["plan"]})
    first_exercise = page.locator("#plan-phases li.exercise").first
    assert re.search(r"\d+ sets? \u00d7 \d+", first_exercise.locator(".dose").inner_text())
    assert "Addresses:" in first_exercise.inner_text()
    no_trouble(page_log)


def test_explanation_shows_the_arithmetic_and_names_the_source(
    page: Page, page_log: PageLog
) -> None:
    record_and_assess(page)
    first = page.locator("#imbalance-list > li.imbalance").first
    why = first.locator("button.why-button")
    assert why.get_attribute("aria-expanded") == "false"
    why.click()
    assert why.get_attribute("aria-expanded") == "true"
    panel = first.locator(".why-panel")
    text = panel.inner_text()
    for kind in ("IMBALANCE", "RULE", "MUSCLE STATE", "FINDING"):
        assert kind in text.upper()
    assert "\u00d7" in text  # rule certainty x premise certainty
    names = panel.locator("button.source-link").all_inner_texts()
    assert any(SEED_FILE.search(n) for n in names), names
    # the source link opens the source's entry
    link = panel.locator("button.source-link", has_text=SEED_FILE).first
    source_id = link.get_attribute("data-source")
    link.click()
    source = api(page, "GET", f"/v1/sources/{source_id}")
    page.wait_for_selector("#source-body dl")
    shown = page.locator("#source-panel").inner_text()
    assert source["file_name"] in shown
    assert (source.get("title") or source["label"]) in shown
    assert page.evaluate("document.activeElement.id") == "source-h"
    page.keyboard.press("Escape")
    assert page.locator("#source-panel").is_hidden()
    no_trouble(page_log)


def test_why_not_answers_per_side_with_the_premises(page: Page, page_log: PageLog) -> None:
    record_and_assess(page)
    concluded = {i for i, _ in shown_imbalances(page)}
    options = page.locator("#whynot-target optgroup[label='Not concluded'] option")
    targets = [t for t in options.evaluate_all("els => els.map(e => e.value)")]
    assert targets and not set(targets) & concluded
    everything = api(page, "GET", "/v1/imbalances?limit=500")["total"]
    assert page.locator("#whynot-target option").count() == everything
    target = targets[0]
    page.select_option("#whynot-target", target)
    with page.expect_request("**/v1/assessments/why-not") as sent:
        page.click("#whynot-ask")
    body = sent.value.post_data_json
    assert body is not None
    assert body["target"] == target
    assert body["findings"] == [{"sign": SIGN, "side": "left", "present": True}]
    page.wait_for_selector(f".whynot-result[data-target='{target}']")
    answer = api(page, "POST", "/v1/assessments/why-not", {**REQUEST, "target": target})
    result = page.locator(".whynot-result")
    assert answer["reason"] in result.inner_text()
    for side, detail in answer["sides"].items():
        block = result.locator(f".whynot-side[data-side='{side}']")
        assert block.count() == 1
        assert block.locator(".whynot-rule").count() == len(detail["rules"])
        statuses = {p["status"] for r in detail["rules"] for p in r["premises"]}
        for status in statuses:
            badge = block.locator(f".status-badge.{status.replace(' ', '-')}")
            assert badge.count() >= 1, status
    no_trouble(page_log)


def test_body_map_colours_the_regions_on_the_left(page: Page, page_log: PageLog) -> None:
    record_and_assess(page)
    coloured = page.locator("#bodymap .region[data-state]")
    assert coloured.count() >= 1
    sides = set(coloured.evaluate_all("els => els.map(e => e.dataset.side)"))
    assert sides == {"left"}
    states = set(coloured.evaluate_all("els => els.map(e => e.dataset.state)"))
    assert states <= {"weak", "tight", "mixed"}
    fills = set(coloured.evaluate_all("els => els.map(e => getComputedStyle(e).fill)"))
    assert all("url(" in f for f in fills), fills  # patterned, not colour alone
    muscles = {m["id"]: m for m in api(page, "GET", "/v1/muscles?limit=500")["items"]}
    result = api(page, "POST", "/v1/assessments", REQUEST)
    expected_regions = set()
    for imbalance in result["imbalances"]:
        for state in imbalance["states"]:
            owner = max((m for m in muscles if state["id"].startswith(m + "-")), key=len)
            expected_regions.add(muscles[owner]["region"])
    painted = set(coloured.evaluate_all("els => els.map(e => e.dataset.region)"))
    assert painted == expected_regions
    legend = page.locator("#bodymap .legend").inner_text()
    assert "weak" in legend and "tight" in legend
    listed = page.locator("#bodymap-list li").all_inner_texts()
    assert listed and all(text.startswith("Left ") for text in listed)
    no_trouble(page_log)


# ---------------------------------------------------------------------- keep and share


def test_permalink_restores_the_form_and_the_result(
    page: Page, new_page: Callable[..., tuple[Page, PageLog]]
) -> None:
    record_and_assess(page)
    page.fill("#pain", "3")
    page.check("input[name=cause] >> nth=0")
    submit(page)
    link = page.locator("#permalink").input_value()
    assert "#a=" in link and link == page.url
    assert len(link) < 400
    before = shown_imbalances(page)
    advisories = page.locator("#advisory-list .advisory").count()
    other, log = new_page()
    other.goto(link)
    other.wait_for_selector("html[data-ready='true']")
    wait_assessed(other, 0)
    assert shown_imbalances(other) == before
    assert other.locator("#advisory-list .advisory").count() == advisories
    assert other.locator(f"#sign-{SIGN} input[value=left]").is_checked()
    assert other.locator("#pain").input_value() == "3"
    assert other.locator("input[name=cause]").first.is_checked()
    no_trouble(log)


def test_print_view_shows_the_report_without_the_form(page: Page) -> None:
    record_and_assess(page)
    page.emulate_media(media="print")
    assert page.locator("#assessment-form").is_hidden()
    assert page.locator(".finder").is_hidden()
    assert page.locator("#print").is_hidden()
    for part in ("#advisories", "#imbalance-list", "#plan-phases", "#report-date", "#bodymap"):
        assert page.locator(part).is_visible(), part
    assert page.locator("#report-date").inner_text().strip()
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the printed report takes {pages} pages"
    page.emulate_media(media="screen")
    assert page.locator("#assessment-form").is_visible()


def test_referral_is_an_alert_shown_first(page: Page) -> None:
    open_page(page)
    record(page, SIGN, "left")
    page.fill("#pain", "8")
    page.check("#pain-persistent")
    submit(page)
    expected = api(
        page,
        "POST",
        "/v1/assessments",
        {**REQUEST, "context": {"pain": 8, "pain_persistent": True}},
    )
    referrals = [a for a in expected["advisories"] if a["code"].startswith("refer")]
    assert referrals, "this request should trigger a referral"
    first = page.locator("#advisory-list .advisory").first
    assert first.get_attribute("role") == "alert"
    assert "referral" in (first.get_attribute("class") or "")
    assert referrals[0]["sentence"] in page.locator("#advisory-list").inner_text()
    # advisories come before the imbalances on the page
    order = page.evaluate(
        """() => document.querySelector('#advisories').compareDocumentPosition(
                 document.querySelector('#imbalances')) & Node.DOCUMENT_POSITION_FOLLOWING"""
    )
    assert order


# ---------------------------------------------------------------------- keyboard, errors, layout


def test_keyboard_tab_to_assess_and_press_enter(page: Page) -> None:
    open_page(page)
    record(page, SIGN, "left")
    page.focus("#pain")
    for _ in range(120):
        if page.evaluate("document.activeElement.id") == "assess":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the Assess button")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    before = assessed(page)
    page.keyboard.press("Enter")
    wait_assessed(page, before)
    assert shown_imbalances(page)[0][1] == "left"
    assert page.evaluate("document.activeElement.id") == "results-h"


def test_api_problems_are_shown_readably(page: Page) -> None:
    open_page(page)
    measure = api(page, "GET", "/v1/measures?limit=500")["items"][0]
    row = page.locator(f"fieldset.measure[data-measure='{measure['id']}']")
    page.locator("section.test", has=row).locator("button.expander").click()
    too_big = measure["max_value"] + 1000
    row.locator("input[data-side=left]").fill(str(too_big))
    row.locator("input[data-side=right]").fill(str(measure["max_value"]))
    assert "outside the valid range" in row.locator(".field-message").inner_text()
    page.click("#assess")
    box = page.locator("#form-problem")
    box.wait_for(state="visible")
    text = box.inner_text()
    assert "measurements" in text and "outside the valid range" in text
    assert box.get_attribute("role") == "alert"
    assert box.locator("li").count() >= 1  # the problem's errors, one per line
    assert row.locator("input[data-side=left]").get_attribute("aria-invalid") == "true"
    # one side only is caught before anything is sent
    row.locator("input[data-side=right]").fill("")
    row.locator("input[data-side=left]").fill(str(measure["max_value"]))
    page.click("#assess")
    assert "give a value for the right side" in box.inner_text()


def test_problems_past_the_listed_ones_are_counted(page: Page) -> None:
    """A 422 that lists the first problems and counts the rest (``unlisted``) shows the list and
    says how many more there are, without repeating the list in the detail."""
    problem = json.dumps(
        {
            "type": "about:blank", "title": "Invalid assessment request", "status": 422,
            "detail": "the assessment request has 3 problem(s):\n"
            "context.causes[0]: unknown cause 'x'\n... and 2 more",
            "errors": [{"loc": ["body", "context", "causes", 0], "msg": "unknown cause 'x'",
                        "suggestions": []}],
            "unlisted": 2,
        }
    )  # fmt: skip

    def refuse(route: Any) -> None:
        route.fulfill(status=422, body=problem, content_type="application/problem+json")

    open_page(page)
    page.route("**/v1/assessments", refuse)
    record(page, SIGN, "left")
    page.click("#assess")
    box = page.locator("#form-problem")
    box.wait_for(state="visible")
    assert box.locator("li").count() == 1
    assert "… and 2 more problems, not listed" in box.locator(".problem-more").inner_text()
    assert box.locator(".problem-detail").inner_text() == "the assessment request has 3 problem(s):"


def test_usable_at_tablet_width(page: Page, page_log: PageLog) -> None:
    page.set_viewport_size({"width": 768, "height": 1024})
    record_and_assess(page)
    page.locator("#imbalance-list button.why-button").first.click()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.locator("#assess").is_visible()
    no_trouble(page_log)


CONTRAST_SELECTORS = [
    "body",
    ".hint",
    ".kb-info",
    "button.primary",
    "button.expander",
    ".side-badge",
    ".state-chip.weak",
    ".state-chip.tight",
    ".advisory",
    ".node-kind.rule",
    ".node-kind.state",
    ".rule-id",
    ".emphasis",
    ".source-link",
    ".status-badge",
]


def test_text_contrast_meets_wcag_aa(page: Page) -> None:
    record_and_assess(page)
    page.locator("#imbalance-list button.why-button").first.click()
    page.select_option("#whynot-target", index=0)
    page.click("#whynot-ask")
    page.wait_for_selector(".whynot-result")
    ratios = page.evaluate(
        """selectors => {
          const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
          const lum = ([r, g, b]) => {
            const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
          };
          const background = el => {
            for (let e = el; e; e = e.parentElement) {
              const c = rgb(getComputedStyle(e).backgroundColor);
              if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
            }
            return [255, 255, 255];
          };
          const out = {};
          for (const sel of selectors) {
            const el = document.querySelector(sel);
            if (!el) { out[sel] = null; continue; }
            const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(background(el));
            out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          }
          return out;
        }""",
        CONTRAST_SELECTORS,
    )
    missing = [s for s, r in ratios.items() if r is None]
    assert missing == []
    low = {s: round(r, 2) for s, r in ratios.items() if r < 4.5}
    assert low == {}, f"contrast below 4.5:1: {low}"


def test_a_list_that_cannot_be_loaded_is_reported(page: Page) -> None:
    problem = '{"type":"about:blank","title":"Service unavailable","status":503,"detail":"down for a moment"}'

    def fail(route: Any) -> None:
        route.fulfill(status=503, body=problem, content_type="application/problem+json")

    page.route("**/v1/causes*", fail)
    open_page(page)
    box = page.locator("#load-problem")
    assert box.is_visible()
    assert "/v1/causes" in box.inner_text() and "down for a moment" in box.inner_text()
    assert page.locator("input[name=cause]").count() == 0
    # the rest of the page still works
    record(page, SIGN, "left")
    submit(page)
    assert shown_imbalances(page)[0][1] == "left"


def _plain_link(data: dict[str, Any]) -> str:
    raw = json.dumps(data).encode()
    return "/#a=j." + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_link_with_unknown_ids_restores_the_rest(page: Page) -> None:
    page.goto(_plain_link({"v": 1, "f": [[SIGN, "l"], ["no-such-sign", "r"]], "p": 2}))
    page.wait_for_selector("html[data-ready='true']")
    wait_assessed(page, 0)
    assert page.locator(f"#sign-{SIGN} input[value=left]").is_checked()
    assert page.locator("#pain").input_value() == "2"
    assert shown_imbalances(page)[0][1] == "left"
    note = page.locator("#form-problem")
    assert note.is_visible() and "no-such-sign" in note.inner_text()


def test_a_damaged_link_is_reported_and_leaves_the_form_alone(page: Page) -> None:
    page.goto("/#a=z.this-is-not-deflated-data")
    page.wait_for_selector("html[data-ready='true']")
    box = page.locator("#form-problem")
    box.wait_for(state="visible")
    assert "could not be read" in box.inner_text()
    assert page.locator("#report").is_hidden()
    assert (
        page.locator(".sign input[type=radio][value='']:checked").count()
        == page.locator("fieldset.sign").count()
    )
