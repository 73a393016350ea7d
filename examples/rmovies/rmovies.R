# Median gross per genre, in R: a foreach over genres and a join, run with `Rscript rmovies.R run`.
library(duoflow)

start <- function(self) {
  self$movies <- read.csv("movies.csv", stringsAsFactors = FALSE)
  self$genres <- sort(unique(self$movies$genre))
  message(nrow(self$movies), " movies in ", length(self$genres), " genres")
}

genre_stats <- function(self) {
  rows <- self$movies[self$movies$genre == self$input, ]
  self$genre <- self$input
  self$median_gross <- median(rows$gross)
  self$best <- rows$title[which.max(rows$rating)]
}

join <- function(self, inputs) {
  self$summary <- data.frame(
    genre = unlist(gather_inputs(inputs, "genre")),
    median_gross = unlist(gather_inputs(inputs, "median_gross")),
    best = unlist(gather_inputs(inputs, "best")),
    stringsAsFactors = FALSE)
}

end <- function(self) {
  top <- head(self$summary[order(-self$summary$median_gross), ], self$top_k)
  print(top, row.names = FALSE)
}

metaflow("RMovieStatsFlow") %>%
  parameter("top_k", default = 3L, type = "int", help = "how many genres to print") %>%
  step(step = "start", r_function = start, next_step = "genre_stats", foreach = "genres") %>%
  step(step = "genre_stats", r_function = genre_stats, next_step = "join") %>%
  step(step = "join", r_function = join, next_step = "end", join = TRUE) %>%
  step(step = "end", r_function = end) %>%
  run()
