# B6: an R flow with a foreach over WIDTH trivial R tasks (duoflow's R package only).
library(duoflow)
start <- function(self) self$items <- seq_len(as.integer(Sys.getenv("WIDTH", "50")))
work <- function(self) self$value <- self$input * 2L
join <- function(self, inputs) self$total <- sum(unlist(gather_inputs(inputs, "value")))
metaflow("RFanoutFlow") %>%
  step(step = "start", r_function = start, next_step = "work", foreach = "items") %>%
  step(step = "work", r_function = work, next_step = "join") %>%
  step(step = "join", r_function = join, next_step = "end", join = TRUE) %>%
  step(step = "end") %>%
  run()
