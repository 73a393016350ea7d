"""Chart of a bench/bench.py result: median wall time per case and engine (min-max as error bars),
log scale, the duoflow/Metaflow ratio printed above each pair.

    python bench/plot.py bench/results/bench-XXXX.json [out.png]

Needs matplotlib (duoflow's optional extra `bench`, or bench/.venv-metaflow that `make bench` makes).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"duoflow": "#2a7ab9", "metaflow": "#e07b39"}


def main(path, out=None):
    with open(path) as handle:
        data = json.load(handle)
    rows = data["rows"]
    engines = [e for e in ("duoflow", "metaflow") if any(e in r["engines"] for r in rows)]
    width = 0.8 / len(engines)
    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(rows)), 5.5))
    for k, engine in enumerate(engines):
        xs, meds, lo, hi = [], [], [], []
        for i, row in enumerate(rows):
            res = row["engines"].get(engine)
            if res:
                xs.append(i + (k - (len(engines) - 1) / 2) * width)
                meds.append(res["wall_median"])
                lo.append(res["wall_median"] - res["wall_min"])
                hi.append(res["wall_max"] - res["wall_median"])
        ax.bar(xs, meds, width, yerr=[lo, hi], label=engine, color=COLORS[engine], capsize=2)
    for i, row in enumerate(rows):
        eng = row["engines"]
        if len(eng) == 2:
            ratio = eng["duoflow"]["wall_median"] / eng["metaflow"]["wall_median"]
            top = max(r["wall_max"] for r in eng.values())
            ax.text(i, top * 1.15, "%.2gx" % (1 / ratio) if ratio < 1 else "%.2f" % ratio, ha="center", fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("wall time, s (median; bars: min-max)")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r["label"] for r in rows], rotation=40, ha="right", fontsize=7)
    info = data["info"]
    ax.set_title("duoflow vs Metaflow %s, %s cores, %s (numbers: Metaflow/duoflow speed-up)"
                 % (info.get("metaflow", {}).get("version", "-"), info["cores"], info["date"]), fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out or path.rsplit(".", 1)[0] + ".png", dpi=120)


if __name__ == "__main__":
    main(*sys.argv[1:3])
