"""Helpers for the browser tests: axe-core accessibility checks and screenshots."""

from pathlib import Path

from playwright.sync_api import Page

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, never a browser that Playwright downloads. As root it needs --no-sandbox;
# the network flags stop it from calling home, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_IMPACTS = {"serious", "critical"}

SCREENSHOTS = PROJECT_DIR / "test-artifacts" / "screenshots"

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now: the WCAG 2.1 A and AA violations that are
    serious or critical, as axe reports them (id, impact, help, helpUrl, nodes)."""
    if not AXE_JS.is_file():
        raise FileNotFoundError(
            f"{AXE_JS} is missing: run `npm ci --no-audit --no-fund` (make test does)."
        )
    # Evaluated through the DevTools protocol, not added as a <script>: the site's
    # Content-Security-Policy refuses inline scripts, and so would refuse axe's.
    page.evaluate(AXE_JS.read_text())
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in AXE_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    """The violations as text a person can act on: rule, impact, each element and its fix."""
    lines = [f"{len(violations)} serious or critical accessibility violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html']}")
            for summary_line in node.get("failureSummary", "").splitlines():
                lines.append(f"       {summary_line.strip()}")
    return "\n".join(lines)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to test-artifacts/screenshots/NAME.png for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
