"""What the side-by-side benchmarks share: running a command for its last JSON line, and reporting repeated
measurements as their median with the spread (min-max), e.g. "11,682 (10,950-12,020)".

A median of alternating rounds is what a reader can get back on a machine shared with other work; a best-of-N
is not (one quiet moment decides it).
"""
import json, os, shlex, statistics, subprocess

DEFAULT_CLI = "dotnet lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll"


def cli():
    """The command that runs `curriculum` (CURRICULUM overrides the Release build's dll)."""
    return shlex.split(os.environ.get("CURRICULUM", DEFAULT_CLI))


def run_json(cmd, env=None):
    """Runs cmd and parses the last line it prints on stdout as JSON."""
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def median(xs):
    return statistics.median(xs)


def spread(xs, fmt="{:,.0f}"):
    """'median (min-max)' of xs; just the value when there is one."""
    if len(xs) == 1:
        return fmt.format(xs[0])
    return f"{fmt.format(median(xs))} ({fmt.format(min(xs))}-{fmt.format(max(xs))})"
