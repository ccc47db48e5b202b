"""`python -m illustrations [--only NAME]`: redraw content/media/ from content/poses/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from illustrations.poses import PoseError, build

ROOT = Path(__file__).resolve().parent.parent / "content"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="draw only this pose file (name without .yaml)")
    args = parser.parse_args(argv)
    media = ROOT / "media"
    media.mkdir(exist_ok=True)
    paths = sorted((ROOT / "poses").glob("*.yaml"))
    if args.only:
        paths = [p for p in paths if p.stem == args.only]
        if not paths:
            print(f"no pose file {args.only}.yaml in {ROOT / 'poses'}", file=sys.stderr)
            return 1
    for path in paths:
        try:
            for written in build(path, media):
                print(f"{written.relative_to(ROOT.parent)}  {written.stat().st_size // 1024} KB")
        except PoseError as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
