"""`make voices`: render every phrase of content/audio/phrases/ into its clip (eSpeak NG).

Clips already on disk are kept (a person's recording stays); FORCE=1 renders the engine's clips
again. Clips no phrase names any more are removed. Needs `apt-get install espeak-ng`; the bot
never does. `--list` (`make voices LIST=1`) prints each phrase's clip name, voice and text, to
name a person's recording.
"""

from __future__ import annotations

import argparse
import sys

from audio import espeak
from audio.clips import prepared, write_clip
from content import load_content
from content.phrases import load_phrases, needs_of


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="render clips already on disk too")
    parser.add_argument(
        "--list", action="store_true", help="only list each phrase's clip name (for recordings)"
    )
    arguments = parser.parse_args(argv)
    content = load_content()
    needs = needs_of(content.exercises, content.routines)
    problems, phrases = load_phrases(content.root, content.languages, needs, clips=False)
    if problems:
        for problem in problems:
            print(problem)
        return 1
    if arguments.list:
        for phrase in phrases.all():
            print(f"{phrase.clip_name}  {phrase.voice:16}  {phrase.key:24}  {phrase.shown}")
        return 0
    wanted = set()
    made = kept = 0
    for phrase in phrases.all():
        path = phrases.clip_path(phrase)
        wanted.add(path.name)
        if path.is_file() and not arguments.force:
            kept += 1
            continue
        engine, voice = phrase.voice.split("/", 1)
        if engine != espeak.ENGINE:
            print(f"{phrase.key}: unknown speech engine {engine!r} (known: {espeak.ENGINE})")
            return 1
        write_clip(path, prepared(*espeak.speak(phrase.spoken, voice)))
        made += 1
        print(f"{path.name}  {phrase.voice:16}  {phrase.shown}")
    stale = [path for path in phrases.clips.glob("*.opus") if path.name not in wanted]
    for path in stale:
        path.unlink()
    print(f"{made} clip(s) rendered, {kept} kept, {len(stale)} no longer used removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
