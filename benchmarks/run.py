"""mermaid-lint's benchmark: one command, every figure as a ratio to a baseline measured in
the same run.

    python benchmarks/run.py                 # fixtures, ../shared/corpus-dev, vaults of 1,000 and 10,000 notes
    python benchmarks/run.py --quick         # fixtures, corpus-dev and the 1,000-note vault, 1 repeat
    python benchmarks/run.py --json out.json # also write every measurement as JSON

Every figure is the CLI run as a user runs it, in a child process (interpreter start
included), output to a pipe, with the package's bytecode compiled as an installed wheel has
it. Wall time is the median of --repeat runs (one run on trees of 5,000 files or more); CPU
time is user + system of the run's processes; peak memory is the largest resident set of
any one process of the run (the parent or one worker; rusage).
Generated vaults and caches live in a temporary folder that is removed afterwards; the dev
corpus is read in place and never written (its "fix" is `fix --diff`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vault import build_vault  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus-dev"
# The pre-commit case: a typical note (12 KB, 6 diagrams) and the largest guide (56 KB, 23 diagrams).
SINGLE_FILES = {
    "typical note": ROOT / "fixtures" / "guides" / "future-of-ai-built-with-llama.md",
    "largest guide": ROOT / "fixtures" / "guides" / "llama-4-comprehensive-overview.md",
}
MAID_PACKAGE = "@probelabs/maid@0.0.29"
LARGE_TREE = 5000  # files; trees this large are measured once per figure (minutes each)


@dataclass
class Run:
    wall: float
    cpu: float  # user + system, of the process and its worker processes
    peak_mb: float
    exit_code: int


@dataclass
class Figure:
    tree: str
    scenario: str
    files: int
    diagrams: int
    wall: float
    cpu: float
    peak_mb: float
    baseline: str = ""
    ratio: float | None = None
    runs: list[float] = field(default_factory=list)

    @property
    def files_per_s(self) -> float:
        return self.files / self.wall if self.wall else 0.0

    @property
    def diagrams_per_s(self) -> float:
        return self.diagrams / self.wall if self.wall else 0.0


def mermaid_lint_command() -> list[str]:
    script = Path(sys.executable).parent / "mermaid-lint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mermaid_lint"]


def measure(command: list[str], cwd: Path | None = None) -> Run:
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    while child.stdout.read(1 << 16):
        pass
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stdout.close()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode)


def count_diagrams(files: list[Path]) -> int:
    from mermaid_lint.files import is_mermaid_file, read_source
    from mermaid_lint.markdown import parse_note

    total = 0
    for path in files:
        if is_mermaid_file(path):
            total += 1
            continue
        source = read_source(path)
        total += len(parse_note(str(path), source.text, source.bom, source.newline).blocks)
    return total


class Bench:
    def __init__(self, repeat: int, work: Path, maid: list[str] | None) -> None:
        self.repeat = repeat
        self.runs = repeat  # per figure of the tree being measured
        self.work = work
        self.maid = maid
        self.figures: list[Figure] = []
        self.cache_counter = 0
        self.lint = mermaid_lint_command()

    def fresh_cache(self) -> Path:
        self.cache_counter += 1
        return self.work / "caches" / str(self.cache_counter)

    def record(self, tree: str, scenario: str, files: int, diagrams: int, runs: list[Run],
               baseline: Figure | None = None) -> Figure:
        walls = [r.wall for r in runs]
        figure = Figure(tree, scenario, files, diagrams, statistics.median(walls),
                        statistics.median(r.cpu for r in runs), max(r.peak_mb for r in runs), runs=walls)
        if baseline is not None:
            figure.baseline, figure.ratio = baseline.scenario, figure.wall / baseline.wall
        self.figures.append(figure)
        print(f"  {tree:<14} {scenario:<34} {figure.wall:8.3f} s  {figure.peak_mb:6.0f} MB"
              + (f"  {figure.ratio:6.2f}x {figure.baseline}" if figure.ratio is not None else ""), flush=True)
        return figure

    def repeated(self, make_command, prepare=None) -> list[Run]:
        runs = []
        for attempt in range(self.runs):
            if prepare:
                prepare(attempt)
            runs.append(measure(make_command()))
        return runs

    def check_tree(self, name: str, tree: Path, writable: bool) -> None:
        files = sorted(p for p in tree.rglob("*") if p.suffix.lower() in {".md", ".markdown", ".mdx", ".mmd", ".mermaid"})
        diagrams = count_diagrams(files)
        n = len(files)
        lint = self.lint
        self.runs = self.repeat if n < LARGE_TREE else 1

        serial = self.record(name, "cold check, 1 process", n, diagrams,
                             self.repeated(lambda: [*lint, "check", "-j1", "--cache-dir", str(self.fresh_cache()), str(tree)]))
        cold = self.record(name, f"cold check, {os.cpu_count()} processes", n, diagrams,
                           self.repeated(lambda: [*lint, "check", "--cache-dir", str(self.fresh_cache()), str(tree)]),
                           serial)
        if self.maid:
            maid = self.record(name, "maid (no cache)", n, diagrams, self.repeated(lambda: [*self.maid, str(tree)]))
            self.record(name, "cold check vs maid", n, diagrams, [Run(cold.wall, cold.cpu, cold.peak_mb, 0)], maid)
            # maid mostly validates syntax: the nearest like-for-like figure is our syntax rule alone.
            self.record(name, "cold syntax check (ML003) vs maid", n, diagrams, self.repeated(
                lambda: [*lint, "check", "--select", "ML003", "--cache-dir", str(self.fresh_cache()), str(tree)]), maid)

        warm_cache = self.fresh_cache()
        measure([*lint, "check", "--cache-dir", str(warm_cache), str(tree)])
        self.record(name, "warm re-run (nothing changed)", n, diagrams,
                    self.repeated(lambda: [*lint, "check", "--cache-dir", str(warm_cache), str(tree)]), cold)
        if writable:
            victim = files[len(files) // 2]
            original = victim.read_bytes()

            def change_one(attempt: int) -> None:
                victim.write_bytes(original + f"\n\n```mermaid\ngraph TD\n  changed{attempt} --> run\n```\n".encode())

            self.record(name, "re-run, one file changed", n, diagrams,
                        self.repeated(lambda: [*lint, "check", "--cache-dir", str(warm_cache), str(tree)], change_one),
                        cold)
            victim.write_bytes(original)

        fix_args = [] if writable else ["--diff"]
        fix_tree = tree

        def fresh_copy(attempt: int) -> None:
            nonlocal fix_tree
            if writable:
                fix_tree = self.work / "fix" / f"{name}-{self.cache_counter}-{attempt}"
                shutil.copytree(tree, fix_tree)

        label = "fix" if writable else "fix --diff (writes nothing)"
        fix_serial = self.record(name, f"{label}, 1 process", n, diagrams, self.repeated(
            lambda: [*lint, "fix", *fix_args, "-j1", "--cache-dir", str(self.fresh_cache()), str(fix_tree)], fresh_copy))
        self.record(name, f"{label}, {os.cpu_count()} processes", n, diagrams, self.repeated(
            lambda: [*lint, "fix", *fix_args, "--cache-dir", str(self.fresh_cache()), str(fix_tree)], fresh_copy),
            fix_serial)
        shutil.rmtree(self.work / "fix", ignore_errors=True)
        shutil.rmtree(self.work / "caches", ignore_errors=True)

    def single_file(self, name: str, note: Path) -> None:
        diagrams = count_diagrams([note])
        self.runs = self.repeat
        floor = self.record(name, "interpreter + `--version`", 1, diagrams,
                            self.repeated(lambda: [*self.lint, "--version"]))
        cold = self.record(name, "single-file check (cache miss)", 1, diagrams, self.repeated(
            lambda: [*self.lint, "check", "--cache-dir", str(self.fresh_cache()), str(note)]), floor)
        warm_cache = self.fresh_cache()
        measure([*self.lint, "check", "--cache-dir", str(warm_cache), str(note)])
        self.record(name, "single-file check (cache hit)", 1, diagrams, self.repeated(
            lambda: [*self.lint, "check", "--cache-dir", str(warm_cache), str(note)]), cold)
        if self.maid:
            maid = self.record(name, "maid, same file", 1, diagrams, self.repeated(lambda: [*self.maid, str(note)]))
            self.record(name, "single-file check vs maid", 1, diagrams, [Run(cold.wall, cold.cpu, cold.peak_mb, 0)], maid)
        shutil.rmtree(self.work / "caches", ignore_errors=True)

    def scaling(self, small: str, large: str) -> None:
        """How the cold check grows from the small vault to the large one (linear: ratio = size ratio)."""
        scenario = f"cold check, {os.cpu_count()} processes"
        by_tree = {f.tree: f for f in self.figures if f.scenario == scenario}
        if small in by_tree and large in by_tree:
            a, b = by_tree[small], by_tree[large]
            ratio = b.wall / a.wall
            print(f"  scaling: {large} / {small}: {b.files / a.files:.1f}x the notes took {ratio:.2f}x the time "
                  f"({a.files_per_s:.0f} -> {b.files_per_s:.0f} files/s)")


def install_maid(work: Path) -> list[str] | None:
    """@probelabs/maid in a temporary folder (never the repository), or None without npm."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    target = work / "maid"
    result = subprocess.run([npm, "install", "--prefix", str(target), "--no-audit", "--no-fund",
                             "--loglevel=error", MAID_PACKAGE], capture_output=True, text=True)
    binary = target / "node_modules" / ".bin" / "maid"
    if result.returncode != 0 or not binary.exists():
        print(f"maid not available: {result.stderr.strip()[:200]}")
        return None
    return [str(binary)]


def table(figures: list[Figure]) -> str:
    lines = ["| input | scenario | files | diagrams | wall s | CPU s | files/s | diagrams/s | peak MB | ratio (vs) |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for f in figures:
        ratio = f"{f.ratio:.2f}x ({f.baseline})" if f.ratio is not None else ""
        lines.append(f"| {f.tree} | {f.scenario} | {f.files} | {f.diagrams} | {f.wall:.3f} | {f.cpu:.2f} | "
                     f"{f.files_per_s:,.0f} | {f.diagrams_per_s:,.0f} | {f.peak_mb:.0f} | {ratio} |")
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Compile the package's bytecode, as installing a wheel does: an editable install under
    PYTHONDONTWRITEBYTECODE (set on some machines and CI images) would otherwise compile every
    module again at each run, which is no user's start-up."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("mermaid_lint")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def environment() -> dict:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": commit.stdout.strip(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fixtures, corpus-dev and 1,000 notes; 1 repeat")
    parser.add_argument("--sizes", default="1000,10000", help="generated vault sizes (comma-separated)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--no-maid", action="store_true", help="do not install and run @probelabs/maid")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    options = parser.parse_args()
    sizes = [1000] if options.quick else [int(s) for s in options.sizes.split(",") if s]
    repeat = 1 if options.quick else options.repeat

    compile_bytecode()
    env = environment()
    print(f"mermaid-lint benchmark, {env['date']}, commit {env['commit']}, Python {env['python']}, "
          f"{env['cpus']} CPUs, load average {env['load_average_at_start'][0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="mermaid-lint-bench-") as temporary:
        work = Path(temporary)
        maid = None if options.no_maid else install_maid(work)
        bench = Bench(repeat, work, maid)
        for name, note in SINGLE_FILES.items():
            bench.single_file(name, note)
        fixtures = work / "fixtures"
        shutil.copytree(ROOT / "fixtures", fixtures)
        bench.check_tree("fixtures", fixtures, writable=True)
        if CORPUS.is_dir():
            bench.check_tree("corpus-dev", CORPUS, writable=False)
        else:
            print(f"  (no dev corpus at {CORPUS}: skipped)")
        for size in sizes:
            vault = work / f"vault-{size}"
            build_vault(vault, size)
            bench.check_tree(f"vault-{size}", vault, writable=True)
            shutil.rmtree(vault)
        if len(sizes) > 1:
            bench.scaling(f"vault-{min(sizes)}", f"vault-{max(sizes)}")
    print()
    print(table(bench.figures))
    if options.json:
        options.json.write_text(json.dumps({"environment": env, "figures": [
            {**asdict(f), "files_per_s": f.files_per_s, "diagrams_per_s": f.diagrams_per_s} for f in bench.figures
        ]}, indent=2))


if __name__ == "__main__":
    main()
