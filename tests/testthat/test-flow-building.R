# Building a flow: an immutable value, and every mistake caught with a classed condition.

hello <- function(self) self$x <- 1

test_that("a flow is a value that print() shows as a graph", {
  flow <- metaflow("HelloFlow") %>%
    parameter("alpha", default = 0.5, help = "learning rate") %>%
    step(step = "start", r_function = hello, next_step = c("a", "b")) %>%
    step(retry(times = 2), step = "a", r_function = hello, next_step = "join") %>%
    step(step = "b", r_function = hello, next_step = "join") %>%
    step(step = "join", r_function = function(self, inputs) NULL, next_step = "end", join = TRUE) %>%
    step(step = "end")
  expect_s3_class(flow, "duoflow_flow")
  text <- paste(format(flow), collapse = "\n")
  expect_match(text, "<duoflow flow HelloFlow: 5 steps, 1 parameter>", fixed = TRUE)
  expect_match(text, "start -> a, b", fixed = TRUE)
  expect_match(text, "a -> join @retry(times = 2", fixed = TRUE)
  expect_match(text, "join (join) -> end", fixed = TRUE)
  expect_match(text, "--alpha (float, default 0.5): learning rate", fixed = TRUE)
  expect_output(print(flow), "HelloFlow")
})

test_that("building a flow never touches the global environment", {
  before <- ls(globalenv(), all.names = TRUE)
  flow <- metaflow("QuietFlow") %>% step(step = "start", r_function = hello, next_step = "end")
  expect_identical(ls(globalenv(), all.names = TRUE), before)
  expect_length(flow$steps, 1)
})

test_that("verbs return new flows and leave their input alone", {
  base <- metaflow("F")
  more <- base %>% step(step = "start", r_function = hello, next_step = "end")
  expect_length(base$steps, 0)
  expect_length(more$steps, 1)
})

test_that("step() on something that is not a flow points to stats::step()", {
  err <- expect_error(step(lm(dist ~ speed, cars)), class = "duoflow_error_not_a_flow")
  expect_match(conditionMessage(err), "duoflow's step()", fixed = TRUE)
  expect_match(conditionMessage(err), "stats::step()", fixed = TRUE)
})

test_that("r_function must be a function of the right arity", {
  flow <- metaflow("F")
  err <- expect_error(step(flow, step = "start", r_function = "hello", next_step = "end"),
                      class = "duoflow_error_invalid_graph")
  expect_match(conditionMessage(err), "not a function")
  err <- expect_error(step(flow, step = "start", r_function = function(self, inputs) NULL, next_step = "end"),
                      class = "duoflow_error_invalid_graph")
  expect_match(conditionMessage(err), "join = TRUE", fixed = TRUE)
  err <- expect_error(step(flow, step = "j", r_function = function(self) NULL, next_step = "end", join = TRUE),
                      class = "duoflow_error_invalid_graph")
  expect_match(conditionMessage(err), "function(self, inputs)", fixed = TRUE)
})

test_that("duplicate, invalid and reserved step names are refused", {
  flow <- metaflow("F") %>% step(step = "start", r_function = hello, next_step = "end")
  expect_error(step(flow, step = "start", next_step = "end"), "already has a step named 'start'",
               class = "duoflow_error_invalid_graph")
  expect_error(step(flow, step = "my step", next_step = "end"), "not a valid step name",
               class = "duoflow_error_invalid_graph")
  expect_error(step(flow, step = "next", next_step = "end"), "reserved", class = "duoflow_error_invalid_graph")
  expect_error(step(flow, step = "input", next_step = "end"), "reserved", class = "duoflow_error_invalid_graph")
  expect_error(metaflow("bad name"), "not a valid flow name", class = "duoflow_error_invalid_graph")
})

test_that("R's reserved words cannot name a step, and say why and what to do", {
  flow <- metaflow("F") %>% step(step = "start", r_function = hello, next_step = "end")
  for (word in c("if", "else", "function", "for", "while", "repeat", "break", "next", "TRUE", "FALSE",
                 "NULL", "NA", "Inf", "NaN", "NA_integer_", "in")) {
    err <- expect_error(step(flow, step = word, next_step = "end"), class = "duoflow_error_invalid_graph",
                        info = word)
    expect_identical(err$headline, sprintf("'%s' is a reserved word in R and cannot name a step", word))
    expect_match(conditionMessage(err), sprintf("inputs$%s is not valid R", word), fixed = TRUE)
    expect_identical(err$hint, sprintf("Rename the step, e.g. '%s_step'.", tolower(word)))
  }
  # Names R and Python both accept stay allowed (class is left to the core: see below).
  for (name in c("T", "F", "self", "inputs", "data", "return", "class_step", "TRUE_step")) {
    expect_s3_class(step(flow, step = name, next_step = "end"), "duoflow_flow")
  }
})

test_that("a Python keyword cannot name a step: the core says why, with no bogus line 0", {
  dir <- flow_dir()
  writeLines(c("library(duoflow)",
               "metaflow('KeywordFlow') %>%",
               "  step(step = 'start', r_function = function(self) self$x <- 1, next_step = 'class') %>%",
               "  step(step = 'class', next_step = 'end') %>%",
               "  step(step = 'end') %>% run()"), file.path(dir, "keyword.R"))
  checked <- run_script("keyword.R", "check", dir = dir)
  expect_identical(checked$status, 2L, info = describe(checked))
  expect_match(checked$stderr, paste0("keyword.R  'class' is a Python keyword, so it cannot name a step: each step ",
                                      "is a method of the flow's Python class"), fixed = TRUE)
  expect_match(checked$stderr, "Rename the step, e.g. 'class_step'.", fixed = TRUE)
  expect_false(grepl(":0", checked$stderr, fixed = TRUE), info = checked$stderr)
  expect_false(grepl("letters, digits and underscores", checked$stderr, fixed = TRUE))
})

test_that("foreach needs one next step and an artifact name", {
  flow <- metaflow("F")
  expect_error(step(flow, step = "start", r_function = hello, next_step = c("a", "b"), foreach = "x"),
               "exactly one next_step", class = "duoflow_error_invalid_graph")
  expect_error(step(flow, step = "start", r_function = hello, next_step = "a", foreach = "not valid"),
               "must name an artifact", class = "duoflow_error_invalid_graph")
})

test_that("parameters check their names and types", {
  flow <- metaflow("F") %>% parameter("top_k", default = 5L)
  expect_identical(flow$parameters$top_k$type, "int")
  expect_identical((metaflow("F") %>% parameter("p", default = 0.5))$parameters$p$type, "float")
  expect_identical((metaflow("F") %>% parameter("v", is_flag = TRUE))$parameters$v$type, "bool")
  expect_error(flow %>% parameter("top_k"), "already has a parameter", class = "duoflow_error_bad_parameter")
  expect_error(flow %>% parameter("x", type = "matrix"), "unknown type", class = "duoflow_error_bad_parameter")
  expect_error(flow %>% parameter("1x"), "not a valid parameter name", class = "duoflow_error_bad_parameter")
})

test_that("decorators are checked and printed", {
  expect_identical(format(retry(times = 2)), "@retry(times = 2, minutes_between_retries = 0)")
  expect_error(decorator("retyr", times = 2), "Did you mean 'retry'", class = "duoflow_error_invalid_decorator")
  expect_error(decorator("retry", 2), "named arguments", class = "duoflow_error_invalid_decorator")
  expect_identical(environment_variables(N = 4)$attributes$vars$N, "4")
  expect_error(step(metaflow("F"), "retry", step = "start", next_step = "end"), "decorator was expected",
               class = "duoflow_error_invalid_decorator")
})

test_that("a foreach over an artifact no step assigns is caught before running", {
  flow <- metaflow("F") %>%
    step(step = "start", r_function = function(self) self$genres <- c("a", "b"), next_step = "s", foreach = "genre") %>%
    step(step = "s", next_step = "j") %>%
    step(step = "j", join = TRUE, next_step = "end") %>%
    step(step = "end")
  err <- expect_error(duoflow:::check_foreach_artifacts(flow), class = "duoflow_error_invalid_graph")
  expect_match(conditionMessage(err), "no step assigns self$genre", fixed = TRUE)
  expect_match(conditionMessage(err), "Did you mean 'genres'", fixed = TRUE)
})

test_that("run() from code: an invalid graph is one classed error with every problem the core finds", {
  flow <- metaflow("TypoFlow") %>%
    step(step = "start", r_function = hello, next_step = "evalute") %>%
    step(step = "evaluate", next_step = "finish")
  err <- expect_error(run(flow), class = "duoflow_error_invalid_graph")
  expect_identical(err$headline, "TypoFlow is not a valid flow graph (4 problems)")
  expect_true(any(grepl("step 'start' goes to 'evalute', but no step has that name. Did you mean 'evaluate'?",
                        err$details, fixed = TRUE)), info = paste(err$details, collapse = "\n"))
  expect_true(any(grepl("the flow has no 'end' step", err$details, fixed = TRUE)))
  expect_true(any(grepl("step 'evaluate' is unreachable", err$details, fixed = TRUE)))
  expect_false(any(grepl(":0 ", err$details, fixed = TRUE)))
})

test_that("run(resume = ...) turns into the resume command", {
  flow <- metaflow("F") %>% step(step = "start", next_step = "end") %>% step(step = "end")
  expect_identical(duoflow:::options_to_args(flow, "resume", list(.step = "end", origin_run_id = "12")),
                   c("resume", "end", "--origin-run-id", "12"))
})
