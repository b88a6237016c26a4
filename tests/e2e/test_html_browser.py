# -*- coding: utf-8 -*-
"""The HTML report in a real browser: headless Chromium, no network, desktop and phone widths,
and a click from the overview to a city page and back under file://.

Debian's chromium and fonts-noto-cjk are installed by ``make test`` (mk/report.mk
adds them to APT_PACKAGES).  Screenshots are checked with a small PNG decoder
(zlib only): the page must not be blank and must show the report's colours.

Headless Chromium will not make a window narrower than 500 CSS pixels, so the
phone (390 px, an iPhone 12-15 / most Android widths) is a 390 px iframe in a
500 px window: the report's media queries see exactly what a phone shows.
"""
import json
import os
import re
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from fep.report.html import write_html

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(REPO, "tests", "fixtures", "results", "region.json")
CHROMIUM = "/usr/bin/chromium"
DESKTOP = (1280, 900)
PHONE = (390, 844)
WINDOW = {DESKTOP: DESKTOP, PHONE: (500, 844)}
FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="f" src="%s" style="display:block;border:0;width:%dpx;height:%dpx"></iframe>
<script>document.getElementById('f').onload=function(){var d=this.contentDocument.documentElement;
document.body.setAttribute('data-scroll-width',d.scrollWidth);
document.body.setAttribute('data-inner-width',this.contentWindow.innerWidth);};</script></body></html>
"""

# Clicks the first city of the overview, then that page's link back, in a frame; records what each
# page showed on the wrapper's body, for --dump-dom.
FOLLOW = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="f" src="report.html" style="width:1200px;height:800px"></iframe>
<script>var step=0,f=document.getElementById('f'),b=document.body;
f.onload=function(){var d=f.contentDocument;step+=1;
 b.setAttribute('data-step'+step+'-url',f.contentWindow.location.href);
 b.setAttribute('data-step'+step+'-hosts',d.querySelectorAll('details.host').length);
 b.setAttribute('data-step'+step+'-cities',d.querySelectorAll('#divisions tbody tr').length);
 b.setAttribute('data-step'+step+'-text',d.body.innerText.length);
 var link=step===1?d.querySelector('#divisions a'):step===2?d.querySelector('nav.crumbs a'):null;
 if(link){link.click();}};</script></body></html>
"""

# A developer without Chromium may skip; CI (CI=true) installs it and must run this.
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="chromium is not installed (make test-deps installs it)")


def chromium(tmp_path, url, *args, window=DESKTOP):
    """Run headless Chromium with every network path closed; returns the completed process."""
    profile = tmp_path / ("profile-%dx%d" % window)
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--hide-scrollbars",
               # any request the page might make would fail instead of reaching out
               "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--user-data-dir=%s" % profile, "--window-size=%d,%d" % window, *args, url]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def read_png(path):
    """``(width, height, rows)``: rows of (r, g, b) tuples, from an 8-bit RGB/RGBA PNG."""
    with open(str(path), "rb") as handle:
        data = handle.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6), header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            assert kind == 0, kind
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        previous = line
    return width, height, rows


def near(pixel, colour, tolerance=4):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("html")
    with open(FIXTURE, encoding="utf-8") as handle:
        results = json.load(handle)
    paths = write_html(results, str(base))
    path = base / "report.html"
    page = path.read_text(encoding="utf-8")
    pages = {os.path.relpath(p, str(base)): open(p, encoding="utf-8").read() for p in paths}
    (base / "follow.html").write_text(FOLLOW, encoding="utf-8")
    # the page at each width, in a frame whose layout width the wrapper records for --dump-dom
    city = next(p for p in paths if os.sep + "report" + os.sep in p)
    urls = {}
    for size in (DESKTOP, PHONE):
        for kind, target in (("overview", "report.html"), ("city", quote(os.path.relpath(city, str(base))))):
            wrapper = base / ("frame-%s-%d.html" % (kind, size[0]))
            wrapper.write_text(FRAME % (target, size[0], size[1]), encoding="utf-8")
            urls[kind, size] = wrapper.as_uri()
    return {"base": base, "results": results, "page": page, "pages": pages, "url": path.as_uri(),
            "city_url": Path(city).as_uri(), "frames": urls}


def test_report_references_no_network_resource(report):
    for name, text in report["pages"].items():
        assert not re.search(r"https?://", text, re.I), name
        assert not re.search(r"\bsrc=", text), name
        # links: on the page, or relative to another page of the report
        for href in re.findall(r'\bhref="([^"]*)"', text):
            assert href.startswith("#") or (href.endswith(".html") and ":" not in href and not href.startswith("/"))


@pytest.mark.parametrize("window", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshot_is_not_blank_and_shows_the_status_colours(report, tmp_path, window):
    shot = tmp_path / "shot.png"
    url = report["url"] if window == WINDOW[window] else report["frames"]["overview", window]
    chromium(tmp_path, url, "--screenshot=%s" % shot, window=WINDOW[window])
    width, height, rows = read_png(shot)
    assert (width, height) == WINDOW[window]
    width, height = window  # the page's own area (the phone frame sits top left)
    pixels = Counter(pixel for row in rows[:height] for pixel in row[:width])
    background, share = pixels.most_common(1)[0]
    assert near(background, (255, 255, 255))
    assert share < 0.9 * width * height, "page is almost blank"
    assert len(pixels) > 200, "too few colours: text did not render"
    # the summary cards' fills: green (audited/pass) and red (unreachable/fail) are on screen
    for name, colour in (("pass", (0xDA, 0xFB, 0xE1)), ("fail", (0xFF, 0xEB, 0xE9))):
        assert sum(n for p, n in pixels.items() if near(p, colour)) > 500, name
    # dark text pixels exist (CJK glyphs and digits, not tofu-free proof but text is drawn)
    assert sum(n for p, n in pixels.items() if max(p) < 80) > 1000


def test_chinese_font_is_installed():
    proc = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False)
    assert proc.stdout.strip(), "no Chinese font: install fonts-noto-cjk (make test-deps)"


def test_rendered_dom_has_hospitals_totals_and_script(report, tmp_path):
    dom = chromium(tmp_path, report["url"], "--dump-dom").stdout
    for entry in report["results"]["hosts"].values():
        assert entry["hospital"]["division"]["city"] in dom
    assert re.search(r'data-total="hosts"><b>6</b>', dom)
    assert re.search(r'data-total="unreachable"><b>1</b>', dom)
    checks = report["results"]["summary"]["check_status"]
    assert (checks["fail"], checks["pass"]) == (8, 65)  # the fixture, so that the DOM check is not vacuous
    assert re.search(r'data-total="fail"><b>8</b>', dom)
    assert re.search(r'data-total="pass"><b>65</b>', dom)
    # the inline script ran (the filter toolbar is shown only by it)
    assert re.search(r'id="toolbar" style="display: flex;"', dom)


def test_city_page_shows_its_hospitals_and_their_checks(report, tmp_path):
    dom = chromium(tmp_path, report["city_url"], "--dump-dom").stdout
    city = "江城市" if "%E6%B1%9F%E5%9F%8E" in report["city_url"] else "河阳市"
    hosts = [host for host, entry in report["results"]["hosts"].items()
             if entry["hospital"]["division"]["city"] == city]
    assert hosts
    for host in hosts:
        assert 'data-host="%s"' % host in dom and report["results"]["hosts"][host]["hospital"]["name"] in dom
    assert re.search(r'id="toolbar" style="display: flex;"', dom)


def test_a_city_link_opens_its_page_and_leads_back_under_file_urls(report, tmp_path):
    """What a reader does: open report.html from a folder (file://), click a city, click back."""
    dom = chromium(tmp_path, (report["base"] / "follow.html").as_uri(), "--allow-file-access-from-files",
                   "--virtual-time-budget=10000", "--dump-dom").stdout
    steps = dict(re.findall(r'data-step(\d-[a-z]+)="([^"]*)"', dom))
    assert steps.get("1-url", "").endswith("/report.html"), dom[-800:]
    assert int(steps["1-cities"]) == 2 and int(steps["1-hosts"]) == 0
    # the city page: inside the report/ folder, with the drill-down of its servers
    assert "/report/" in steps["2-url"] and steps["2-url"].endswith(".html")
    assert int(steps["2-hosts"]) >= 1 and int(steps["2-text"]) > 500
    # and its link back to the overview
    assert steps["3-url"] == steps["1-url"] and int(steps["3-cities"]) == 2


@pytest.mark.parametrize("kind", ["overview", "city"])
@pytest.mark.parametrize("window", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_page_fits_the_screen_width(report, tmp_path, window, kind):
    dom = chromium(tmp_path, report["frames"][kind, window], "--allow-file-access-from-files", "--dump-dom",
                   window=WINDOW[window]).stdout
    inner = re.search(r'data-inner-width="(\d+)"', dom)
    scroll = re.search(r'data-scroll-width="(\d+)"', dom)
    assert inner and scroll, dom[-500:]
    assert int(inner.group(1)) == window[0]
    # no sideways scrolling of the whole page: wide tables reflow (phone) or scroll in their box
    assert int(scroll.group(1)) <= window[0]

