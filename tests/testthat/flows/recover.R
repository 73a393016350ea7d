# Retries, a failing step, and resume: FAIL=1 makes 'work' fail for item 2.
library(duoflow)

start <- function(self) {
  self$items <- c(1L, 2L, 3L)
  self$started_in <- current("run_id")
}
flaky <- function(self) {
  if (current("retry_count") == 0) stop("first attempt fails on purpose")
  self$attempts <- current("retry_count") + 1
}
work <- function(self) {
  if (Sys.getenv("FAIL") == "1" && self$input == 2L) stop("item 2 is broken")
  self$square <- self$input^2
  self$ran_in <- current("run_id")
}
join <- function(self, inputs) {
  self$squares <- unlist(gather_inputs(inputs, "square"))
  self$ran_in_all <- unlist(gather_inputs(inputs, "ran_in"))
}

metaflow("RecoverFlow") %>%
  step(step = "start", r_function = start, next_step = "flaky") %>%
  step(retry(times = 1), step = "flaky", r_function = flaky, next_step = "work", foreach = "items") %>%
  step(step = "work", r_function = work, next_step = "join") %>%
  step(step = "join", r_function = join, next_step = "end", join = TRUE) %>%
  step(step = "end") %>%
  run()
