"""Hypothesis strategies for names and values an attacker writes into a document.

Shared by every exporter's tests: arbitrary Unicode (control characters
included) mixed with the pieces that break out of a context — docstring and
string quotes, backslash escapes, shell substitutions and history expansion,
comment and line breaks, terminal escape sequences, placeholders. The Python
and shell pieces touch :data:`RAN` when they run, so a test proves that no
code ran by that file's absence.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import strategies as st

__all__ = ["RAN", "SNIPPETS", "hostile_names", "hostile_text", "hostile_values"]

#: Created by any snippet that runs; never created by a correct exporter.
RAN = Path(tempfile.mkdtemp(prefix="cd-hostile-")) / "ran"

SNIPPETS = (
    f'"""\nopen({str(RAN)!r}, "w")\n"""',
    f"'''; open({str(RAN)!r}, 'w'); '''",
    f"$(touch '{RAN}')",
    f"`touch '{RAN}'`",
    f"\ntouch '{RAN}'\n",
    f"\r\ntouch '{RAN}' #",
    '"',
    "'",
    "\\",
    "\\N",
    "\\x",
    "\\u12",
    "${HOME}",
    "!!",
    "!-1",
    "#",
    "{id}",
    "{{variable}}",
    "<name>",
    "%2F",
    "../",
    "\x00",
    "\x1b]0;title\x07",
    "\x9b2J",
    "\u2028",
    "\u202e",
    " ",
    "é",
    "😀",
)


def hostile_text(min_size: int = 0, max_pieces: int = 5) -> st.SearchStrategy[str]:
    """Text made of snippets and arbitrary Unicode (surrogates aside: UTF-8 cannot hold them)."""
    piece = st.sampled_from(SNIPPETS) | st.text(max_size=3)
    return (
        st.lists(piece, max_size=max_pieces).map("".join).filter(lambda text: len(text) >= min_size)
    )


#: A name: never empty.
hostile_names = hostile_text(min_size=1)

#: A value a request sends: never blank (a blank required value is a placeholder).
hostile_values = hostile_text(min_size=1).filter(lambda text: text.strip() != "")


def run_curl_script(script: str, folder: Path) -> list[list[str]]:
    """Run ``script`` as bash does when commands are pasted (history expansion on), with
    ``curl`` a function that records its arguments; returns each call's words, ``curl`` first.

    The script must also pass ``bash -n``.
    """
    import subprocess

    calls = folder / "calls"
    calls.mkdir(exist_ok=True)
    prelude = (
        "set -o history -o histexpand\n"
        f"n=0; curl() {{ n=$((n+1)); printf '%s\\0' curl \"$@\" > '{calls}'/$n; }}\n"
    )
    path = folder / "commands.sh"
    path.write_bytes((prelude + script).encode("utf-8"))
    checked = subprocess.run(["bash", "-n", str(path)], capture_output=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", str(path)], cwd=folder, capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    found = sorted(calls.iterdir(), key=lambda p: int(p.name))
    words = [[w.decode("utf-8") for w in p.read_bytes().split(b"\0")[:-1]] for p in found]
    for p in found:
        p.unlink()
    return words
