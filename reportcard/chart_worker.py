"""A chart worker: Vega-Lite specs in on stdin, SVGs out on stdout (`python -m reportcard.chart_worker`, by `render.ChartWorkers`).

It imports vl-convert and the standard library, nothing else. A worker started by multiprocessing's "spawn"
imported the parent's main module (the `reportcard` command: Pelican, pandas) and the module its function lives
in (Altair) before it could start vl-convert's runtime: 1.3 s in all, so a council's commit with three new
charts waited a second for them. This one is ready in the time the runtime takes to start (a third of a second).

Each message, either way, is a line with a word and a length, then that many bytes of UTF-8: "spec N" from the
build, "ok N" (the SVG) or "error N" (what went wrong) back. Anything else written to stdout (by vl-convert, say)
goes to stderr, so it cannot corrupt a reply.
"""

from __future__ import annotations

import json
import os
import sys
from typing import BinaryIO


def read_message(stream: BinaryIO) -> tuple[str, str] | None:
    """(word, text), or None when the stream has ended."""
    header = stream.readline()
    if not header:
        return None
    word, length = header.split()
    body = stream.read(int(length))
    if len(body) != int(length):
        raise EOFError("a message was cut short")
    return word.decode("ascii"), body.decode("utf-8")


def write_message(stream: BinaryIO, word: str, text: str) -> None:
    body = text.encode("utf-8")
    stream.write(b"%s %d\n" % (word.encode("ascii"), len(body)) + body)
    stream.flush()


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    import vl_convert

    while (message := read_message(requests)) is not None:
        try:
            svg = vl_convert.vegalite_to_svg(json.loads(message[1]))
        except Exception as error:  # reported to the build, which raises it where the chart was wanted
            write_message(replies, "error", f"{type(error).__name__}: {error}")
        else:
            write_message(replies, "ok", svg)


def main() -> None:
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
