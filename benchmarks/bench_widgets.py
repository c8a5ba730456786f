"""Time every explorer of the book: live updates and the static (precomputed) build.

For each explorer in mml4_lib.explorers.EXPLORERS:
- live: the median time of one update (set a control, compute, render the PNG) over every
  value of every control, each set in turn with the others at their defaults, `--repeats` sweeps;
- static: the time to build all frames (what `make book` pays), their number and total size.
Targets on a 2-core machine: median live update <= 120 ms for forward-only explorers and
<= 250 ms for explorers that train (Explorer.budget_ms, derived from update_on_release unless set).

The chapter 6 playground is its own widget (mml4_lib.playground); its rows come from
bench_playground.table_rows() and are added when all explorers are timed.

Usage: python benchmarks/bench_widgets.py [--repeats 3] [--no-playground] [name ...]
Prints a Markdown table for benchmarks/README.md.
"""

import argparse
import platform
import statistics
import time

from mml4_lib.explorers import EXPLORERS


def time_live(make, repeats):
    """(construction seconds, list of update times in ms, the explorer's budget in ms, errors)."""
    t0 = time.perf_counter()
    ex = make(mode="live")
    built = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        for c in ex.controls:
            others = [v for v in c.values if v != c.value] + [c.value]  # every value, back home
            for v in others:
                t0 = time.perf_counter()
                ex.set(**{c.name: v})
                times.append((time.perf_counter() - t0) * 1000)
    return built, times, ex.budget_ms, ex.errors


def time_static(make):
    t0 = time.perf_counter()
    ex = make(mode="static")
    seconds = time.perf_counter() - t0
    return seconds, len(ex.frames), sum(len(png) for png in ex.frames.values()), ex.errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="explorers to time (default: all)")
    parser.add_argument("--repeats", type=int, default=3, help="sweeps over the control values")
    parser.add_argument("--no-playground", action="store_true", help="skip the playground rows")
    args = parser.parse_args()
    unknown = set(args.names) - set(EXPLORERS)
    if unknown:
        parser.error(f"unknown explorers {sorted(unknown)}; known: {sorted(EXPLORERS)}")
    names = args.names or sorted(EXPLORERS)

    print(f"Python {platform.python_version()}, {platform.machine()}, "
          f"{time.strftime('%Y-%m-%d')}; {args.repeats} sweeps\n")
    print("| explorer | kind | live median (ms) | live max (ms) | target (ms) | ok | "
          "static build (s) | frames | frames size (kB) |")
    print("|---|---|---:|---:|---:|---|---:|---:|---:|")
    for name in names:
        _, times, target, live_errors = time_live(EXPLORERS[name], args.repeats)
        seconds, n_frames, n_bytes, static_errors = time_static(EXPLORERS[name])
        median = statistics.median(times)
        ok = "yes" if median <= target else "**no**"
        if live_errors or static_errors:
            ok += f" ({len(live_errors) + len(static_errors)} errors)"
        print(f"| {name} | {'training' if target > 120 else 'forward'} | {median:.0f} | "
              f"{max(times):.0f} | {target} | {ok} | {seconds:.1f} | {n_frames} | "
              f"{n_bytes / 1e3:.0f} |", flush=True)
    if not args.names and not args.no_playground:
        import bench_playground  # next to this script, which Python puts on sys.path

        print("\n".join(bench_playground.table_rows()))


if __name__ == "__main__":
    main()
