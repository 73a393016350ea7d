"""Box-office statistics per genre, computed by a branch/foreach/join flow.

    start --+--> summary ------------------------------------------+--> join_all --> end
            |                                                      |
            +--> by_genre_split --> genre_stats --> join_genres ---+
                                    (one task per genre)

    python groupstats.py show
    python groupstats.py run
    python groupstats.py run --top_k 5 --data /path/to/other.csv

The CSV needs the columns title, genre, year, gross (millions of US dollars) and rating (0-10).
Only the standard library is used (csv, statistics).
"""

import csv
import os
import statistics

from duoflow import FlowSpec, Parameter, current, resources, retry, step

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ("title", "genre", "year", "gross", "rating")


def read_movies(path):
    """Read the CSV into a list of dicts with typed values; say which line is wrong if one is."""
    movies = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError("%s: missing column(s) %s; expected %s"
                             % (path, ", ".join(missing), ", ".join(COLUMNS)))
        for row in reader:
            try:
                movies.append({
                    "title": row["title"].strip(),
                    "genre": row["genre"].strip(),
                    "year": int(row["year"]),
                    "gross": float(row["gross"]),
                    "rating": float(row["rating"]),
                })
            except (TypeError, ValueError) as e:
                raise ValueError("%s:%d: bad row %r (%s)" % (path, reader.line_num, row, e))
    if not movies:
        raise ValueError("%s has a header but no rows" % path)
    return movies


class GroupStatsFlow(FlowSpec):
    """Box-office statistics per genre from a CSV of (invented) movies."""

    data = Parameter("data", default=os.path.join(HERE, "movies.csv"),
                     help="CSV file with columns title,genre,year,gross,rating.")
    top_k = Parameter("top_k", type=int, default=3,
                      help="How many top-grossing titles to list per genre.")

    @retry(times=1)
    @step
    def start(self):
        """Load the CSV (retried once: the file may live on a flaky network mount)."""
        if self.top_k < 1:
            raise ValueError("--top_k must be at least 1, got %d" % self.top_k)
        self.movies = read_movies(self.data)
        print("Loaded %d movies from %s" % (len(self.movies), self.data))
        self.next(self.summary, self.by_genre_split)

    @step
    def summary(self):
        """Overall figures: counts, years covered, total and median gross, mean rating."""
        grosses = [m["gross"] for m in self.movies]
        years = [m["year"] for m in self.movies]
        self.overall = {
            "movies": len(self.movies),
            "genres": len({m["genre"] for m in self.movies}),
            "first_year": min(years),
            "last_year": max(years),
            "total_gross": round(sum(grosses), 1),
            "median_gross": round(statistics.median(grosses), 1),
            "mean_rating": round(statistics.fmean(m["rating"] for m in self.movies), 2),
        }
        self.next(self.join_all)

    @step
    def by_genre_split(self):
        """List the genres, sorted, to fan out over: one genre_stats task per genre."""
        self.genres = sorted({m["genre"] for m in self.movies})
        print("%d genres: %s" % (len(self.genres), ", ".join(self.genres)))
        self.next(self.genre_stats, foreach="genres")

    @resources(cpu=1)
    @step
    def genre_stats(self):
        """Statistics of one genre (self.input): gross median and mean, best rated, top grossing."""
        genre = self.input
        rows = [m for m in self.movies if m["genre"] == genre]
        grosses = [m["gross"] for m in rows]
        best = max(rows, key=lambda m: (m["rating"], m["gross"]))
        top = sorted(rows, key=lambda m: m["gross"], reverse=True)[: self.top_k]
        self.stats = {
            "genre": genre,
            "count": len(rows),
            "median_gross": round(statistics.median(grosses), 1),
            "mean_gross": round(statistics.fmean(grosses), 1),
            "mean_rating": round(statistics.fmean(m["rating"] for m in rows), 2),
            "best_rated": best["title"],
            "best_rating": best["rating"],
            "top_grossing": [m["title"] for m in top],
        }
        print("%s (task %s): %d movies" % (genre, current.task_id, len(rows)))
        self.next(self.join_genres)

    @step
    def join_genres(self, inputs):
        """Gather the per-genre statistics into one dict, in the order of the genres."""
        self.by_genre = {inp.stats["genre"]: inp.stats for inp in inputs}
        self.next(self.join_all)

    @step
    def join_all(self, inputs):
        """Check that both branches saw the same movies, then keep everything but the raw rows."""
        counted = sum(s["count"] for s in inputs.join_genres.by_genre.values())
        if counted != inputs.summary.overall["movies"]:
            raise RuntimeError("the genres add up to %d movies, the summary counted %d"
                               % (counted, inputs.summary.overall["movies"]))
        # Brings in `overall` (from summary) and `by_genre` (from join_genres); the raw rows are
        # not needed past this point, so they are left out of this task and of `end`.
        self.merge_artifacts(inputs, exclude=["movies"])
        self.next(self.end)

    @step
    def end(self):
        """Print one line per genre and the overall figures."""
        o = self.overall
        print("%d movies, %d genres, %d-%d; total gross $%.1fM, median $%.1fM, mean rating %.2f"
              % (o["movies"], o["genres"], o["first_year"], o["last_year"],
                 o["total_gross"], o["median_gross"], o["mean_rating"]))
        print()
        header = "%-12s %6s %10s %10s %7s  %s" % (
            "genre", "movies", "median $M", "mean $M", "rating", "best rated")
        print(header)
        print("-" * len(header))
        for s in self.by_genre.values():
            print("%-12s %6d %10.1f %10.1f %7.2f  %s (%.1f)" % (
                s["genre"], s["count"], s["median_gross"], s["mean_gross"], s["mean_rating"],
                s["best_rated"], s["best_rating"]))
        print()
        print("Top %d by gross:" % self.top_k)
        for s in self.by_genre.values():
            print("  %-12s %s" % (s["genre"], "; ".join(s["top_grossing"])))
        print()
        print("These results are artifacts of %s; see them again with:" % current.pathspec)
        print("  python groupstats.py dump %s" % current.pathspec)


if __name__ == "__main__":
    GroupStatsFlow()
