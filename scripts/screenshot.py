"""Screenshots of portal pages in Debian's headless chromium, logged in as a given user.

Usage: .venv/bin/python scripts/screenshot.py [--width=390] BASE_URL USERNAME OUTDIR PATH [PATH ...]
       (USERNAME "-" for anonymous; password from DEMO_PASSWORD or the demo default)
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(base, username, outdir, *paths, width=1280):
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        if username != "-":
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", os.environ.get("DEMO_PASSWORD", "greencommunity-demo"))
            page.press("#id_password", "Enter")
            page.wait_for_load_state()
        for path in paths:
            page.goto(base + path)
            name = (username + path).strip("/").replace("/", "_").replace("?", "_").replace(
                "&", "_"
            ) or "root"
            page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
            print(out / f"{name}-{width}.png")
        browser.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    width = 1280
    if args and args[0].startswith("--width="):
        width = int(args.pop(0).split("=", 1)[1])
    main(*args, width=width)
