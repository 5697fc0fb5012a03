"""``python -m bench.lighthouse SITE [--runs N] [--keep DIR]``: Lighthouse mobile
performance of SITE's home, first offer, search and map page, served gzip-compressed."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import audits_seen, budget, details, measure, row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path, help="a built site folder (mkdocs build -d SITE)")
    ap.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median counts (default 3)")
    ap.add_argument("--config", type=Path, help="the mkdocs.yml the site was built with (URL segments)")
    ap.add_argument("--keep", type=Path, help="keep the summary and each page's last report (JSON) in this folder")
    ap.add_argument("--json", action="store_true", help="print the whole result as JSON")
    args = ap.parse_args(argv)
    result = measure(args.site, args.runs, args.config, args.keep)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        print(f"Lighthouse mobile (gzip served): {row(result)}")
        for line in details(result) if "error" not in result else []:
            print(f"  {line}")
        seen = audits_seen(result)
        if seen:
            print(f"  diagnostics not passed (no weight in the score): {'; '.join(seen)}")
    if "error" in result:
        return 2
    below = [name for name, p in result["pages"].items() if (p["median"]["score"] or 0) < budget(name)]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
