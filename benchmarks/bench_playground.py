"""Time the chapter 6 playground: one epoch plus a full redraw, and the static precompute.

    python benchmarks/bench_playground.py

Live frame: one Play tick of the widget (`PlaygroundWidget.tick`: one epoch of training,
the snapshot over the 100 x 100 grid, every artist updated in place, the PNG rendered and
handed to the Image widget), median over many ticks. Target: at most 150 ms at the default
settings on a 2-core machine. Also timed: the largest network (7 features, 6 x 8 hidden
units) with the diagnostics panel, and ReLU at batch size 1 on the regression data
(600 updates per epoch).

Playing: `PlaygroundWidget.play_tick` driven at the Play widget's interval, as the front end
drives it (the next tick comes after the interval, or when the last one is done if it took
longer): epochs per second and the tick's time. Target: at least 20 epochs/s at the default
settings, with every tick shorter than the interval (the kernel never falls behind).

Static: the precomputed runs of the chapter's main playground (four data sets x eight
epochs): build time, frames and their PNG bytes (the page stores them as base64, 4/3 as many).

`time_playground()` returns the numbers as a dict and `table_rows()` the rows of
benchmarks/bench_widgets.py's Markdown table, so that script can print the playground too.
"""

import os
import statistics
import time

CASES = {
    "default (2-4-2-1, tanh, batch 10)": "",
    "largest (7 features, 6 x 8, diagnostics)":
        "features=x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)&hidden=8,8,8,8,8,8&diagnostics=true",
    "regression, relu, batch 1": "problem=regression&dataset=plane&activation=relu&batch_size=1",
}
TARGET_MS = 150


def time_ticks(config, ticks=40, warmup=3):
    """Median, 90th percentile and maximum (ms) of PlaygroundWidget.tick() for a config string."""
    from mml4_lib.playground import PlaygroundWidget

    widget = PlaygroundWidget(config)
    for _ in range(warmup):
        widget.tick()
    times = []
    for _ in range(ticks):
        start = time.perf_counter()
        widget.tick()
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))], times[-1]


PLAY_TARGET = 20  # epochs per second while playing, at the default settings


def time_play(config, frames=30):
    """Play as the front end does: a tick every PLAY_INTERVAL ms (or as soon as the last one
    is done, if it took longer). Returns (epochs per second, median and max tick in ms)."""
    from mml4_lib.playground import PlaygroundWidget

    widget = PlaygroundWidget(config)
    widget.play.playing = True
    widget.play_tick()  # warm-up: the first frame draws the whole figure
    epochs, seconds, ticks = 0, 0.0, []
    for _ in range(frames):
        start = time.perf_counter()
        epochs += widget.play_tick()
        took = time.perf_counter() - start
        ticks.append(1000 * took)
        seconds += max(took, widget.play.interval / 1000)  # the next tick comes no sooner
    return epochs / seconds, statistics.median(ticks), max(ticks)


def time_static():
    """Build the chapter's main static playground; return (seconds, frames, PNG bytes)."""
    from mml4_lib.playground import DATASET_RUNS, playground

    start = time.perf_counter()
    explorer = playground(presets=DATASET_RUNS, mode="static")
    seconds = time.perf_counter() - start
    frames = list(explorer.frames.values())
    return seconds, len(frames), sum(len(f) for f in frames)


def time_playground(ticks=40):
    """{"live": {case: (median_ms, p90_ms, max_ms)}, "static": (s, frames, PNG bytes)}."""
    os.environ.pop("MML4_WIDGETS", None)
    live = {name: time_ticks(config, ticks) for name, config in CASES.items()}
    play = {name: time_play(config) for name, config in CASES.items()}
    return {"live": live, "play": play, "static": time_static(), "target_ms": TARGET_MS}


def table_rows(results=None):
    """Rows for bench_widgets.py's table: explorer, kind, live median/max, target, ok, static."""
    results = results or time_playground()
    seconds, frames, size = results["static"]
    rows = []
    for i, (name, (median, _, worst)) in enumerate(results["live"].items()):
        ok = "yes" if median <= TARGET_MS else ("**no**" if i == 0 else "(not a target)")
        static = f"{seconds:.1f} | {frames} | {size / 1e3:.0f}" if i == 0 else "| |"
        rows.append(f"| playground: {name} | training (1 epoch) | {median:.0f} | {worst:.0f} | "
                    f"{TARGET_MS} | {ok} | {static} |")
    return rows


def main():
    results = time_playground()
    print("Playground: one epoch + full redraw (PlaygroundWidget.tick)")
    print(f"{'case':45s} {'median ms':>10s} {'p90 ms':>8s} {'max ms':>8s}")
    for name, (median, p90, worst) in results["live"].items():
        print(f"{name:45s} {median:10.1f} {p90:8.1f} {worst:8.1f}")
    default = results["live"][next(iter(CASES))][0]
    verdict = "meets" if default <= TARGET_MS else "MISSES"
    print(f"default settings: {default:.1f} ms, {verdict} the {TARGET_MS} ms target")
    from mml4_lib.playground.widget import PLAY_INTERVAL

    print(f"\nPlaying (a tick every {PLAY_INTERVAL} ms; each trains as many epochs as fit)")
    print(f"{'case':45s} {'epochs/s':>9s} {'median tick ms':>15s} {'max tick ms':>12s}")
    for name, (rate, median, worst) in results["play"].items():
        print(f"{name:45s} {rate:9.1f} {median:15.1f} {worst:12.1f}")
    rate = results["play"][next(iter(CASES))][0]
    verdict = "meets" if rate >= PLAY_TARGET else "MISSES"
    print(f"default settings: {rate:.1f} epochs/s, {verdict} the {PLAY_TARGET} epochs/s target")
    seconds, frames, size = results["static"]
    print(f"static main playground: {frames} frames in {seconds:.1f} s, {size / 1e6:.2f} MB "
          f"of PNG ({4 / 3 * size / 1e6:.2f} MB as base64 in the page)")
    print()
    print("\n".join(table_rows(results)))


if __name__ == "__main__":
    main()
