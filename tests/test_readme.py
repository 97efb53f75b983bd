"""The README's *Command line* section is an executable document: it cannot drift.

Two checks. The synopsis (the ``text`` block whose lines start with
``connector-designer``) names exactly the options each command's parser
offers, so an option added to the code only needs its README line. And every
``sh`` block of the section runs, line by line, in a temporary folder against
the demo API on a free port: each line must exit as documented and print the
first line its trailing comment quotes (``…`` stands for what varies).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from designer import cli
from designer.cli.main import _gui_parser as gui_parser
from designer.core.demo.server import start_demo_server

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PROG = "connector-designer"
#: Options every parser has and the README explains in prose instead.
UNLISTED = {"-h", "--help", "--debug"}
#: The port the README's examples use; the test runs them on a free one.
README_PORT = "8000"


def section(text: str, title: str) -> str:
    """The body of the ``## title`` section of a Markdown document."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def fenced(text: str, language: str) -> list[tuple[int, str]]:
    """The fenced blocks of ``language``: (line number in ``text``, body)."""
    blocks = []
    for match in re.finditer(rf"^```{language}\n(.*?)^```", text, re.M | re.S):
        blocks.append((text.count("\n", 0, match.start(1)) + 1, match.group(1)))
    return blocks


# -- the synopsis --------------------------------------------------------------------------


def synopsis_options(block: str, commands: set[str]) -> dict[str, set[str]]:
    """Per command ('' for the app itself), the options the synopsis names.

    A command is the longest run of words after the program name that is one
    of ``commands`` (``secrets forget`` for a command with subcommands); a
    word that is no command and no option is reported as the command ``?word``.
    """
    found: dict[str, set[str]] = {}
    command = None
    for line in block.splitlines():
        if line.startswith(PROG):
            words = line.split()[1:]
            command = ""
            for count in range(len(words), 0, -1):
                if " ".join(words[:count]) in commands:
                    command = " ".join(words[:count])
                    break
            else:
                if words and re.fullmatch(r"[a-z][\w-]*", words[0]):
                    command = f"?{words[0]}"
            found.setdefault(command, set())
        elif command is None or not line.strip():
            continue
        found[command] |= set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", line))
    return found


def parser_options(parser: argparse.ArgumentParser) -> list[tuple[str, ...]]:
    """Each optional argument's spellings (``-o``, ``--output``), help and --debug aside."""
    return [
        tuple(a.option_strings)
        for a in parser._actions
        if a.option_strings and not set(a.option_strings) & UNLISTED
    ]


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def offered() -> dict[str, list[tuple[str, ...]]]:
    """Per command, as the synopsis names it, the options its parser offers. A command
    with subcommands has a line per subcommand, which also shows the command's options."""
    parser = cli.build_parser()
    found: dict[str, list[tuple[str, ...]]] = {}

    def walk(prefix: str, sub: argparse.ArgumentParser, inherited: list[tuple[str, ...]]) -> None:
        children = _commands(sub)
        if not children:
            found[prefix] = inherited + parser_options(sub)
        for name, child in children.items():
            walk(f"{prefix} {name}", child, inherited + parser_options(sub))

    for name, sub in _commands(parser).items():
        walk(name, sub, [])
    # The app's own options, and the top-level ones (--version), share the bare line.
    found[""] = parser_options(gui_parser()) + parser_options(parser)
    return found


def synopsis_block() -> tuple[int, str]:
    blocks = fenced(section(README.read_text(encoding="utf-8"), "Command line"), "text")
    chosen = [(n, b) for n, b in blocks if b.startswith(PROG)]
    assert chosen, (
        "the Command line section has no synopsis (a text block of 'connector-designer' lines)"
    )
    return chosen[0]


def synopsis_problems(
    documented: dict[str, set[str]], parsers: dict[str, list[tuple[str, ...]]]
) -> list[str]:
    problems = [
        f"the synopsis has a line for '{PROG} {command[1:]}', which is no command"
        for command in documented
        if command.startswith("?")
    ]
    for command, options in parsers.items():
        shown = f"'{PROG} {command}'" if command else f"'{PROG}'"
        if command not in documented:
            problems.append(f"the synopsis has no line for {shown}")
            continue
        for spellings in options:
            if not set(spellings) & documented[command]:
                problems.append(f"the synopsis of {shown} lacks {'/'.join(spellings)}")
        known = {s for spellings in options for s in spellings}
        for extra in sorted(documented[command] - known):
            problems.append(
                f"the synopsis of {shown} names {extra}, which its --help does not offer"
            )
    return problems


def test_the_synopsis_names_every_option_the_parsers_offer() -> None:
    _, block = synopsis_block()
    parsers = offered()
    problems = synopsis_problems(synopsis_options(block, set(parsers)), parsers)
    assert not problems, "README.md, Command line: " + "; ".join(problems)


def test_the_synopsis_check_names_what_is_missing_and_what_is_extra() -> None:
    # The check itself can fail, and says exactly what to fix.
    parsers = {"init": [("--timeout",), ("-o", "--output")], "schema": [("--bundle",)]}
    documented = {"init": {"-o", "--bogus"}, "?inti": set()}
    assert synopsis_problems(documented, parsers) == [
        "the synopsis has a line for 'connector-designer inti', which is no command",
        "the synopsis of 'connector-designer init' lacks --timeout",
        "the synopsis of 'connector-designer init' names --bogus, which its --help does not offer",
        "the synopsis has no line for 'connector-designer schema'",
    ]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_no_tracked_file_is_ignored() -> None:
    # A fresh clone must not hide files it ships (docs/performance.md once was).
    done = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        pytest.skip(f"not a git checkout: {done.stderr.strip()}")
    assert done.stdout == "", f".gitignore matches tracked files: {done.stdout.split()}"


def test_the_synopsis_reader_finds_commands_and_subcommands() -> None:
    block = (
        f"{PROG} [WORKSPACE] [--example]    open the app\n"
        f"{PROG} secrets forget WORKSPACE [--yes]\n"
        f"{PROG} init WORKSPACE [--call API/CALL]\n"
        "                        [--format tree|json-schema] [-o OUT]\n"
        f"{PROG} intit FILE\n"
        f"{PROG} --version\n"
    )
    assert synopsis_options(block, {"init", "secrets forget"}) == {
        "": {"--example", "--version"},
        "secrets forget": {"--yes"},
        "init": {"--call", "--format", "-o"},
        "?intit": set(),
    }


# -- the walk-through ----------------------------------------------------------------------


@dataclass
class Line:
    number: int  # in README.md
    command: str
    expected: str | None
    code: int


def split_comment(line: str) -> tuple[str, str]:
    """A shell line and its trailing ``# comment`` (a '#' outside quotes, after a space)."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), ""


def walkthrough(text: str) -> list[Line]:
    """Every command of the section's ``sh`` blocks, ``\\`` continuations joined."""
    body = section(text, "Command line")
    offset = text.index(body)
    first = text.count("\n", 0, offset) + 1
    lines: list[Line] = []
    for start, block in fenced(body, "sh"):
        pending: list[str] = []
        for i, raw in enumerate(block.splitlines()):
            pending.append(raw)
            if raw.rstrip().endswith("\\"):
                continue
            joined = " ".join(p.rstrip().removesuffix("\\").strip() for p in pending)
            number = first + start + i - len(pending)
            pending = []
            command, comment = split_comment(joined)
            if not command:
                continue
            quoted = re.search(r'"(.*)"', comment)
            exit_code = re.search(r"\bexit (\d+)", comment)
            lines.append(
                Line(
                    number,
                    command,
                    quoted.group(1) if quoted else None,
                    int(exit_code.group(1)) if exit_code else 0,
                )
            )
    return lines


def first_line_matches(expected: str, line: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in expected.split("…"))
    return re.fullmatch(pattern, line) is not None


def test_first_line_patterns() -> None:
    assert first_line_matches("200 OK · …", "200 OK · 12 ms · 2.0 KB · application/json")
    assert not first_line_matches("200 OK · …", "404 Not Found · 3 ms")
    assert not first_line_matches("Added call", "Added call 'x' to API 'y' in shop.json")


def test_the_walkthrough_parser_joins_continuations_and_reads_comments() -> None:
    text = (
        "## Command line\n\n```sh\n"
        "tool a \\\n  'x # y' \\\n  b   # exit 1: \"Added …\"\n"
        "# a comment line\n"
        'tool c   # prints "ok", then more\n```\n## Next\n'
    )
    assert walkthrough(text) == [
        Line(4, "tool a 'x # y' b", "Added …", 1),
        Line(8, "tool c", "ok", 0),
    ]


def _environment(tmp_path: Path) -> dict[str, str]:
    """PATH with the venv's connector-designer (running this checkout) and python first."""
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONUNBUFFERED"] = "1"
    paths = [str(bin_dir)]
    if not (bin_dir / PROG).exists():  # a checkout whose venv was not installed with pip
        shim = tmp_path / "bin"
        shim.mkdir()
        (shim / PROG).write_text(f'#!/bin/sh\nexec "{sys.executable}" -m designer "$@"\n')
        (shim / PROG).chmod(0o755)
        paths.insert(0, str(shim))
    env["PATH"] = os.pathsep.join([*paths, env.get("PATH", "")])
    for name in list(env):  # the README's runs must not see the developer's secrets
        if name.startswith("CD_SECRET_"):
            del env[name]
    return env


def _first_line(out: str, err: str) -> str:
    text = out if out.strip() else err
    return text.splitlines()[0] if text.strip() else ""


@pytest.mark.skipif(shutil.which("bash") is None, reason="the README's lines are shell commands")
def test_the_command_line_walkthrough_runs_as_written(tmp_path: Path) -> None:
    lines = walkthrough(README.read_text(encoding="utf-8"))
    assert len(lines) >= 4, "the Command line section lost its walk-through"
    env = _environment(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    background: list[subprocess.Popen[str]] = []
    # The README starts the demo API itself, on port 0 here (the system picks a free
    # one, which it announces); should it stop doing so, the test serves it.
    port: str | None = None
    demo = None
    if not any("demo.server" in line.command for line in lines):
        demo = start_demo_server(0)
        port = demo.url.rsplit(":", 1)[1]
    try:
        for line in lines:
            where = f"README.md line {line.number}: {line.command}"
            assert line.expected is not None, (
                f'{where}: end it with a comment quoting its first line of output, # "…"'
            )
            command = line.command.replace(f"demo.server {README_PORT}", "demo.server 0")
            # Until the server has said which port it has, its address can be any.
            actual = port or "…"
            command = command.replace(f":{README_PORT}", f":{actual}")
            expected = line.expected.replace(f":{README_PORT}", f":{actual}")
            if command.endswith("&"):
                # A server: started in the background, it must announce itself.
                process = subprocess.Popen(
                    ["bash", "-c", f"exec {command.removesuffix('&').strip()}"],
                    cwd=work,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                background.append(process)
                assert process.stdout is not None
                first = process.stdout.readline().rstrip("\n")
                assert first_line_matches(expected, first), (
                    f"{where}: printed {first!r}, not {expected!r}"
                )
                announced = re.search(r"127\.0\.0\.1:(\d+)", first)
                assert announced, f"{where}: printed {first!r}, which names no address"
                port = announced.group(1)
                continue
            done = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == line.code, (
                f"{where}: exit code {done.returncode}, not {line.code}; "
                f"stderr: {done.stderr.strip()}"
            )
            first = _first_line(done.stdout, done.stderr)
            assert first_line_matches(expected, first), (
                f"{where}: printed {first!r}, not {expected!r}"
            )
    finally:
        if demo is not None:
            demo.stop()
        for process in background:
            process.terminate()
            process.wait(timeout=10)
            if process.stdout is not None:
                process.stdout.close()
