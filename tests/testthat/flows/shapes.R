# Linear, branch, foreach and nested foreach in one flow, with artifacts of many kinds.
library(duoflow)

start <- function(self) {
  self$numbers <- c(1.5, NA, 3)
  self$frame <- data.frame(g = c("a", "b", "a"), v = c(1, 2, 3), stringsAsFactors = FALSE)
  self$groups <- c("a", "b")
  self$solo <- "only"
  print("start printed")
  message("start messaged")
}
branch_a <- function(self) self$x <- "from a"
branch_b <- function(self) self$x <- "from b"
join_branch <- function(self, inputs) {
  self$xs <- c(inputs$branch_a$x, inputs$branch_b$x)
  merge_artifacts(self, inputs, exclude = list("x"))
}
per_group <- function(self) {
  self$group <- self$input
  self$total <- sum(self$frame$v[self$frame$g == self$input])
  self$position <- self$index
  self$inner_items <- 1:2
}
inner <- function(self) self$cell <- paste0(self$group, self$input)
inner_join <- function(self, inputs) {
  self$cells <- unlist(gather_inputs(inputs, "cell"))
  merge_artifacts(self, inputs, exclude = list("cell"))
}
join_groups <- function(self, inputs) {
  self$totals <- unlist(gather_inputs(inputs, "total"))
  self$positions <- unlist(gather_inputs(inputs, "position"))
  self$grid <- lapply(inputs, function(i) i$cells)
  self$solo <- inputs[[1]]$solo  # a join starts empty: carry what the next fan-out needs
}
one <- function(self) self$solo_seen <- self$input
join_one <- function(self, inputs) self$solo_count <- length(inputs)
end <- function(self) {
  self$alpha_seen <- self$alpha
  self$run_id_seen <- current("run_id")
  # How this task's process was started: a forked task keeps its parent's command line ("run",
  # ...); a spawned one is a fresh `Rscript shapes.R step end ...`.
  self$task_args <- commandArgs(trailingOnly = TRUE)
}

metaflow("ShapesFlow") %>%
  parameter("alpha", default = 0.5, help = "a number") %>%
  step(step = "start", r_function = start, next_step = c("branch_a", "branch_b")) %>%
  step(step = "branch_a", r_function = branch_a, next_step = "join_branch") %>%
  step(step = "branch_b", r_function = branch_b, next_step = "join_branch") %>%
  step(step = "join_branch", r_function = join_branch, next_step = "fan", join = TRUE) %>%
  step(step = "fan", next_step = "per_group", foreach = "groups") %>%
  step(step = "per_group", r_function = per_group, next_step = "inner", foreach = "inner_items") %>%
  step(step = "inner", r_function = inner, next_step = "inner_join") %>%
  step(step = "inner_join", r_function = inner_join, next_step = "join_groups", join = TRUE) %>%
  step(step = "join_groups", r_function = join_groups, next_step = "split_one", join = TRUE) %>%
  step(step = "split_one", next_step = "one", foreach = "solo") %>%
  step(step = "one", r_function = one, next_step = "join_one") %>%
  step(step = "join_one", r_function = join_one, next_step = "end", join = TRUE) %>%
  step(step = "end", r_function = end) %>%
  run()
