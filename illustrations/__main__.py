"""`python -m illustrations [--only ID]`: redraw content/media/ from content/poses/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from illustrations.build import build
from illustrations.spec import PoseError

CONTENT = Path(__file__).resolve().parent.parent / "content"


def main(argv: list[str] | None = None) -> int:
    """Redraw every picture (or one), printing each file written and its size."""
    parser = argparse.ArgumentParser(prog="python -m illustrations", description=__doc__)
    parser.add_argument("--only", metavar="ID", help="draw one pose file (its name without .yaml)")
    parser.add_argument("--poses", type=Path, default=CONTENT / "poses", help=argparse.SUPPRESS)
    parser.add_argument("--media", type=Path, default=CONTENT / "media", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    paths = sorted(args.poses.glob("*.yaml"))
    if args.only:
        paths = [path for path in paths if path.stem == args.only]
        if not paths:
            print(f"no pose file {args.only}.yaml in {args.poses}", file=sys.stderr)
            return 2
    args.media.mkdir(parents=True, exist_ok=True)
    for path in paths:
        try:
            written = build(path, args.media)
        except PoseError as error:
            print(error, file=sys.stderr)
            return 1
        for file in written:
            print(f"{file.name:28} {file.stat().st_size / 1024:7.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
