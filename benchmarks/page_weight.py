"""Page weight: for every page of a built site, the bytes a browser fetches to show it
(HTML + stylesheets + scripts + images, each gzip-compressed at level 6 as a web server
would send it), excluding the search index, and the largest platform page.

    python benchmarks/page_weight.py [SITE_DIR]

Target (issue 4): a platform page at most 150 KB gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder import settings

ASSET = re.compile(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src|img[^>]*src)="([^"]+)"')
LIMIT = 150 * 1024


@cache
def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def weight(site: Path, page: Path) -> dict[str, int]:
    """Gzipped bytes by kind for one page: the HTML and every local file it loads."""
    html = page.read_text(encoding="utf-8")
    base = page.relative_to(site).as_posix()
    parts = {"html": gz(page), "css": 0, "js": 0, "images": 0}
    for ref in dict.fromkeys(ASSET.findall(html)):
        url = urlparse(urljoin(base, ref))
        if url.scheme or url.netloc:
            raise SystemExit(f"{base} loads {ref} from outside the site")
        target = site / url.path
        if "search_index" in url.path or not target.is_file():
            continue
        kind = "css" if target.suffix == ".css" else "js" if target.suffix == ".js" else "images"
        parts[kind] += gz(target)
    return parts


def measure(site: Path) -> list[tuple[str, dict[str, int]]]:
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
    return [(p.relative_to(site).as_posix(), weight(site, p)) for p in pages]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", nargs="?", type=Path, default=settings.ROOT / "build" / "site", help="a built site directory")
    site = ap.parse_args().site
    rows = measure(site)
    total = {name: sum(parts.values()) for name, parts in rows}
    platform = [(n, p) for n, p in rows if n.startswith("platforms/")]
    print(f"{len(rows)} pages measured in {site} (gzip level 6; search index excluded)")
    print(f"{'page':45} {'html':>8} {'css':>8} {'js':>8} {'images':>8} {'total':>9}")
    heaviest = sorted(rows, key=lambda r: -total[r[0]])[:8]
    for name in ["index.html", "say-vs-do.html", "platforms/facebook.html", "platforms/instagram.html"]:
        if name in total and name not in [n for n, _ in heaviest]:
            heaviest.append((name, dict(rows)[name]))
    for name, p in heaviest:
        print(f"{name:45} {p['html']/1024:7.1f}K {p['css']/1024:7.1f}K {p['js']/1024:7.1f}K "
              f"{p['images']/1024:7.1f}K {total[name]/1024:8.1f}K")
    if platform:
        worst = max(platform, key=lambda r: total[r[0]])
        ratio = total[worst[0]] / LIMIT
        print(f"largest platform page: {worst[0]} {total[worst[0]]/1024:.1f} KB = {ratio:.2f}x the 150 KB budget")
        over = [n for n, _ in platform if total[n] > LIMIT]
        print(f"platform pages over budget: {len(over)} of {len(platform)}" + (f" ({', '.join(over)})" if over else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
