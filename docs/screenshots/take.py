"""Take the screenshots of the clinician page shown in the README.

    uv run python docs/screenshots/take.py

Starts the real app on a free local port and drives Debian's Chromium (the same set-up as the
browser tests in tests/e2e) through one assessment, saving PNGs next to this script.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.harness import browser_missing_reason, launch, live_server  # noqa: E402

# The example: the knee caving in on the left in the single-leg squat, a shorter hop on the left
# and mild pain.
SIGN = "sls-knee-valgus"
MEASURE = "hop-distance"
HOPS = {"left": "118", "right": "152"}
PAIN = "2"


def best_why_not(page: Any, request: dict[str, Any]) -> str:
    """The imbalance not concluded whose rules come closest to firing (most premises held)."""
    result = page.request.post("/v1/assessments", data=request).json()
    concluded = {i["id"] for i in result["imbalances"]}
    items = page.request.get("/v1/imbalances?limit=500").json()["items"]
    best: str = items[0]["id"]
    best_score = -1.0
    for item in items:
        if item["id"] in concluded:
            continue
        answer = page.request.post(
            "/v1/assessments/why-not", data={**request, "target": item["id"]}
        ).json()
        score = 0.0
        for side in answer.get("sides", {}).values():
            for rule in side["rules"]:
                held = sum(p["status"] == "held" for p in rule["premises"])
                score = max(score, held / max(1, len(rule["premises"])))
        if score > best_score:
            best, best_score = item["id"], score
    return best


def main() -> int:
    reason = browser_missing_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with live_server() as url, sync_playwright() as pw:
        browser = launch(pw)
        context = browser.new_context(
            viewport={"width": 1280, "height": 1000}, base_url=url, device_scale_factor=1
        )
        page = context.new_page()
        page.goto("/")
        page.wait_for_selector("html[data-ready='true']")

        # record
        page.fill("#sign-search", "knee caves in")
        page.wait_for_selector(f"#sign-search-results button[data-sign='{SIGN}']")
        page.press("#sign-search", "Enter")
        page.locator(f"#sign-{SIGN} input[value=left]").check()
        hop = page.locator(f"fieldset.measure[data-measure='{MEASURE}']")
        page.locator("section.test", has=hop).locator("button.expander").click()
        for side, value in HOPS.items():
            hop.locator(f"input[data-side={side}]").fill(value)
        page.fill("#pain", PAIN)
        page.locator(f"#sign-{SIGN} input[value=left]").focus()
        page.locator("section.test", has=page.locator(f"#sign-{SIGN}")).evaluate(
            "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 140)"
        )
        page.screenshot(path=OUT / "record.png")

        # results with the first explanation open
        page.click("#assess")
        page.wait_for_function("() => Number(document.documentElement.dataset.assessed || 0) > 0")
        page.locator("#imbalance-list button.why-button").first.click()
        link = page.locator("#imbalance-list .why-panel button.source-link").first
        link.click()
        page.wait_for_selector("#source-body dl")
        page.locator("#imbalances").evaluate(
            "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8)"
        )
        page.screenshot(path=OUT / "results.png")
        page.click("#source-close")

        # body map
        page.locator("#bodymap").screenshot(path=OUT / "body-map.png")

        # why not
        request = {
            "findings": [{"sign": SIGN, "side": "left", "present": True}],
            "measurements": [
                {"measure": MEASURE, "left": float(HOPS["left"]), "right": float(HOPS["right"])}
            ],
            "context": {"pain": int(PAIN)},
        }
        page.select_option("#whynot-target", best_why_not(page, request))
        page.click("#whynot-ask")
        page.wait_for_selector(".whynot-result")
        page.locator("#whynot").screenshot(path=OUT / "why-not.png")

        # print
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 794, "height": 1123})
        page.screenshot(path=OUT / "print.png", full_page=True)
        page.emulate_media(media="screen")

        # tablet
        page.set_viewport_size({"width": 768, "height": 1024})
        page.locator("#results-h").evaluate(
            "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8)"
        )
        page.screenshot(path=OUT / "tablet.png")

        browser.close()
    for png in sorted(OUT.glob("*.png")):
        print(png.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
