"""The documentation says what the code does.

1. The README's tour: every command of the fenced blocks of the section after "Set up" (shell lines that run
   `iscm-kg`, and SPARQL blocks, run with `iscm-kg query`) is run on the release the test session builds
   (tests/conftest.py: `release`; nothing is built again) and what the README says it prints, after a `→`, is
   looked for in what it prints. `build` and `validate` are not run again: the session's release was made by the
   same build and validation, and its build-info.json holds their figures.

   The `→` of a shell command is in its comment, or in comment lines right below it; the `→` of a SPARQL block is
   the paragraph right after the block. A `→` lists items separated by ", " or "; ". Text in parentheses is
   commentary and not checked. In an item:

   - a `code span` must appear in the output as written;
   - "LABEL N" (e.g. "Spain 11", "year 1993") needs an output row with the number N as a cell and LABEL either in
     a cell of that row or as the header of N's column;
   - "N LABEL" (e.g. "11 rows", "0 violations") must appear in the output as written; for build and validate, the
     last word of LABEL is a key of build-info.json whose value is N;
   - a bare number must be a cell of the output.

   Numbers may have thousands separators (92,977). Every command has to state at least one checked item.

2. Every `make TARGET` and every `iscm-kg SUBCOMMAND --option` in code in README.md and docs/*.md exists: the
   targets are the Makefile's rules, the subcommands and options those of the click CLI (`iscm_kg.cli.main`).
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from iscm_kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))

NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*\n?", re.MULTILINE | re.DOTALL)


# --- reading the README's tour ---------------------------------------------------------------------------------


@dataclass
class TourCommand:
    """One command of the tour: the iscm-kg arguments (without the program), what the README says it prints."""

    text: str
    args: list[str]
    expected: str
    line: int

    @property
    def id(self) -> str:
        return f"README:{self.line} {self.text[:60]}"


def _sections(markdown: str) -> list[tuple[str, int, str]]:
    """(heading, line of the heading, body) for each `## ` section."""
    parts = re.split(r"^(## .*)$", markdown, flags=re.MULTILINE)
    out, line = [], parts[0].count("\n") + 1
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        out.append((heading[3:].strip(), line, body))
        line += heading.count("\n") + body.count("\n")
    return out


def tour_section(markdown: str) -> tuple[int, str]:
    """The section after "Set up": its first line in the README and its text."""
    sections = _sections(markdown)
    index = next(i for i, (heading, _, _) in enumerate(sections) if heading.lower().startswith("set up"))
    _, line, body = sections[index + 1]
    return line, body


def _split_comment(line: str) -> tuple[str, str]:
    """A shell line cut at its first `#` outside quotes that starts a word: (command, comment)."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def _arrow(text: str) -> str:
    return text.split("→", 1)[1].strip() if "→" in text else ""


def tour_commands(markdown: str) -> list[TourCommand]:
    first_line, body = tour_section(markdown)
    commands: list[TourCommand] = []
    for match in FENCE.finditer(body):
        lang, block = match.group(1).strip(), match.group(2)
        block_line = first_line + body[: match.start()].count("\n")  # the line of the opening fence
        if lang in ("sh", "shell", "bash", "console"):
            for offset, raw in enumerate(block.splitlines(), start=1):
                command, comment = _split_comment(raw)
                if not command:  # a comment line: it goes on with the comment of the command above
                    if commands and commands[-1].line >= block_line and _arrow(comment):
                        commands[-1].expected = (commands[-1].expected + ", " + _arrow(comment)).strip(", ")
                    continue
                args = shlex.split(command)
                if not args or not args[0].endswith("iscm-kg"):
                    continue
                commands.append(TourCommand(command, args[1:], _arrow(comment), block_line + offset))
        elif lang == "sparql":
            after = body[match.end():].split("\n\n", 1)[0]
            expected = _arrow(after) if after.lstrip().startswith("→") else ""
            commands.append(TourCommand(block.strip(), ["query", block], expected, block_line))
    return commands


# --- checking what a command prints ------------------------------------------------------------------------------


def _number(text: str) -> str:
    return text.replace(",", "")


def _items(expected: str) -> list[str]:
    """The checked items of a `→` text: parentheses (commentary) removed, split at ", " and "; "."""
    text = expected
    while True:
        stripped = re.sub(r"\([^()]*\)", "", text)
        if stripped == text:
            break
        text = stripped
    # split outside code spans only
    items, current, in_code = [], "", False
    for i, char in enumerate(text):
        if char == "`":
            in_code = not in_code
        if not in_code and char in ",;" and (i + 1 == len(text) or text[i + 1].isspace()):
            items.append(current)
            current = ""
            continue
        current += char
    items.append(current)
    return [item.strip().rstrip(".").strip() for item in items if item.strip().rstrip(".").strip()]


def parse_table(output: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of `iscm-kg query`'s table (columns from the `---+---` line; cells may hold `|`)."""
    lines = output.splitlines()
    index = next((i for i, line in enumerate(lines) if re.fullmatch(r"-+(?:-\+-+)*", line)), None)
    if index is None or index == 0:
        return [], []
    widths = [len(part) for part in lines[index].split("-+-")]

    def cells(line: str) -> list[str]:
        out, start = [], 0
        for width in widths:
            out.append(line[start:start + width].strip())
            start += width + 3
        return out

    rows = [cells(line) for line in lines[index + 1:] if not re.fullmatch(r"\(\d+ rows\)", line.strip())]
    return cells(lines[index - 1]), rows


def check(expected: str, output: str, build_info: dict | None = None) -> list[str]:
    """What the README states and the output lacks (empty: all there). Raises if nothing is checkable."""
    header, rows = parse_table(output)
    folded = " ".join(output.split()).casefold()
    missing, checked = [], 0
    for item in _items(expected):
        for code in re.findall(r"`([^`]+)`", item):
            checked += 1
            if code not in output:
                missing.append(f"`{code}`")
        rest = re.sub(r"`[^`]*`", "", item).strip()
        if not rest:
            continue
        label_first = re.fullmatch(rf"(?P<label>.*?)\s*(?P<num>{NUMBER})", rest)
        number_first = re.fullmatch(rf"(?P<num>{NUMBER})\s+(?P<label>\S.*)", rest)
        if number_first:
            checked += 1
            number, label = _number(number_first["num"]), number_first["label"]
            if build_info is not None:
                key = label.split()[-1]
                if str(build_info.get(key)) != number:
                    missing.append(f"{rest} (build-info.json: {key} = {build_info.get(key)!r})")
            elif " ".join(f"{number} {label}".split()).casefold() not in folded:
                missing.append(rest)
        elif label_first:
            checked += 1
            number, label = _number(label_first["num"]), label_first["label"].strip().casefold()
            if build_info is not None:
                missing.append(f"{rest} (write build and validate figures as 'N key')")
                continue
            found = False
            for row in rows:
                for column, cell in enumerate(row):
                    if cell != number:
                        continue
                    if not label or label == header[column].casefold() or any(label in c.casefold() for c in row):
                        found = True
            if not found:
                missing.append(rest)
    if not checked:
        raise AssertionError(f"nothing to check in {expected!r}: state what the command prints after a →")
    return missing


# --- the tests ---------------------------------------------------------------------------------------------------

TOUR = tour_commands(README.read_text(encoding="utf-8"))


def test_the_tour_is_found() -> None:
    subcommands = [command.args[0] for command in TOUR]
    assert {"build", "validate", "query"} <= set(subcommands), subcommands
    assert sum(1 for command in TOUR if command.text.startswith("PREFIX")) >= 2


@pytest.mark.parametrize("command", TOUR, ids=lambda c: c.id)
def test_tour_command_prints_what_the_readme_says(command: TourCommand, release: Path) -> None:
    build_info = json.loads((release / "build-info.json").read_text(encoding="utf-8"))
    subcommand = command.args[0]
    if subcommand in ("build", "validate"):
        # made by the session's `release` fixture: the same build (write_release) and validation
        missing = check(command.expected, json.dumps(build_info), build_info)
    elif subcommand == "query":
        result = CliRunner().invoke(main, [*command.args, "--dist", str(release)])
        assert result.exit_code == 0, result.output
        missing = check(command.expected, result.output)
    else:
        pytest.fail(f"README:{command.line}: the tour runs `iscm-kg {subcommand}`, which this test cannot run")
    assert not missing, f"README:{command.line}: not in what `{command.text[:80]}` prints: {missing}"


def test_the_build_writes_the_files_the_readme_names(release: Path) -> None:
    _, body = tour_section(README.read_text(encoding="utf-8"))
    paragraph = next(p for p in body.split("\n\n") if "The build writes" in p)
    names = [n for n in re.findall(r"`([^`]+)`", paragraph) if re.fullmatch(r"[\w-][\w.-]*/?", n) and n != "dist/"]
    assert len(names) >= 8, names
    missing = [n for n in names if not (release / n.rstrip("/")).exists()]
    assert not missing, f"README names files the build does not write: {missing}"


def test_the_checker_catches_a_wrong_figure() -> None:
    widths = [5, 6, 5]  # drawn as iscm_kg.querying draws a table

    def line(*cells: str) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))

    output = "\n".join([line("state", "name", "iscms"), "-+-".join("-" * w for w in widths),
                        line("x/ESP", "Spain", "11"), line("x/SWE", "Sweden", "8"), "(2 rows)"])
    assert check("Spain 11, Sweden 8", output) == []
    assert check("Spain 9 (the report), Sweden 8", output) == ["Spain 9"]
    assert check("iscms 11, `Spain`, 2 rows", output) == []
    assert check("`Portugal`", output) == ["`Portugal`"]
    with pytest.raises(AssertionError):
        check("Spain and Sweden: nine each", output)


# --- make targets and CLI options named in the docs -------------------------------------------------------------


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    rules = re.findall(r"^([A-Za-z][\w.-]*(?:[ \t]+[A-Za-z][\w.-]*)*)[ \t]*:(?!=)", text, flags=re.MULTILINE)
    return {target for rule in rules for target in rule.split()}


def code_texts(markdown: str) -> list[str]:
    """Shell-like code: every line of the fenced blocks (continuations joined) and every inline code span."""
    texts = [line for block in FENCE.findall(markdown) for line in block[1].replace("\\\n", " ").splitlines()]
    texts += re.findall(r"`([^`]+)`", FENCE.sub("", markdown))
    return [re.sub(r"(?:^|\s)#.*", "", text) for text in texts]


def mentions() -> list[tuple[str, str, str]]:
    """(file, kind, mention): kind "make" (the target words) or "iscm-kg" (subcommand and its options)."""
    out = []
    for path in [README, *DOCS]:
        name = path.relative_to(ROOT).as_posix()
        for text in code_texts(path.read_text(encoding="utf-8")):
            for match in re.finditer(r"(?:^|[;&|(]\s*)make\b(?P<rest>[^;&|)\n]*)", text, flags=re.MULTILINE):
                targets = [w for w in match["rest"].split() if "=" not in w and not w.startswith("-")]
                out += [(name, "make", target) for target in targets]
            for match in re.finditer(r"(?:^|[\s/`(])iscm-kg\s+(?P<sub>[a-z][\w-]*)(?P<rest>[^;&|]*)", text):
                options = re.findall(r"(?<![\w-])--[a-z][\w-]*", match["rest"])
                out.append((name, "iscm-kg", " ".join([match["sub"], *options])))
    return out


MENTIONS = mentions()


def test_docs_mention_make_and_the_cli() -> None:
    kinds = {kind for _, kind, _ in MENTIONS}
    assert kinds == {"make", "iscm-kg"}, MENTIONS
    assert {"run", "test", "setup", "build"} <= makefile_targets()


@pytest.mark.parametrize("where,kind,mention", sorted(set(MENTIONS)))
def test_mentioned_make_target_or_cli_option_exists(where: str, kind: str, mention: str) -> None:
    if kind == "make":
        assert mention in makefile_targets(), f"{where}: `make {mention}`: no such target in the Makefile"
        return
    subcommand, *options = mention.split()
    assert subcommand in main.commands, f"{where}: `iscm-kg {subcommand}`: no such subcommand"
    known = {"--help"} | {opt for param in main.commands[subcommand].params
                          for opt in [*param.opts, *param.secondary_opts]}
    unknown = [option for option in options if option not in known]
    assert not unknown, f"{where}: `iscm-kg {subcommand}` has no option {unknown} (it has {sorted(known)})"


def test_synergy_toml_names_options_of_analyze() -> None:
    """iscm_kg/analysis/synergy.toml tells in its comments how to override it: with options of `iscm-kg analyze`."""
    comments = [line for line in (ROOT / "iscm_kg/analysis/synergy.toml").read_text(encoding="utf-8").splitlines()
                if line.lstrip().startswith("#")]
    options = set(re.findall(r"(?<![\w-])--[a-z][\w-]*", "\n".join(comments)))
    assert options, "synergy.toml no longer says how to override it"
    known = {opt for param in main.commands["analyze"].params for opt in param.opts}
    assert options <= known, f"synergy.toml names {sorted(options - known)}, not options of `iscm-kg analyze`"
