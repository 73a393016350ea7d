# The flow the help pages' examples read (see duoflow:::example_datastore()).
library(duoflow)

metaflow("ClientDemoFlow") %>%
  parameter("scale", default = 2) %>%
  step(step = "start", next_step = "square", foreach = "numbers", r_function = function(self) {
    self$numbers <- c(1, 2, 3)
    self$frame <- data.frame(x = 1:3, label = c("a", "b", "c"), stringsAsFactors = FALSE)
    message("start: three numbers")
  }) %>%
  step(step = "square", next_step = "join", r_function = function(self) {
    self$squared <- self$input^2 * self$scale
    cat("square of", self$input, "\n")
  }) %>%
  step(step = "join", next_step = "end", join = TRUE, r_function = function(self, inputs) {
    self$squares <- unlist(gather_inputs(inputs, "squared"))
    merge_artifacts(self, inputs, exclude = list("squared"))
  }) %>%
  step(step = "end", r_function = function(self) {
    self$total <- sum(self$squares)
    self$finished_when <- as.POSIXct("2024-01-02 03:04:05", tz = "UTC")
  }) %>%
  run()
