# The round-trip contract (docs/architecture.md, "Cross-language values") from R: every row goes R -> Python view ->
# stored artifact -> loaded -> R and must come back identical.

rows <- list(
  null = NULL,
  true = TRUE, na_logical = NA, int = 7L, na_int = NA_integer_, double = 1.5, nan = NaN,
  inf = Inf, minus_inf = -Inf, na_double = NA_real_, string = "a", na_string = NA_character_,
  utf8 = "h\u00e9llo \u4e16\u754c \U0001F600",
  logicals = c(TRUE, NA, FALSE), ints = c(1L, NA, 3L), doubles = c(1.5, NA, NaN, Inf, -Inf),
  strings = c("a", NA, "c"),
  logical0 = logical(0), integer0 = integer(0), double0 = numeric(0), character0 = character(0),
  named_vector = c(a = 1, b = 2), named_ints = c(x = 1L, y = NA),
  named_list = list(a = 1, b = "x", c = list(d = TRUE)), unnamed_list = list(1, "x", list(2L, NULL)),
  empty_list = list(),
  factor = factor(c("lo", "hi", "lo"), levels = c("lo", "hi")),
  factor_na = factor(c("b", NA, "a")), ordered = factor(c("S", "L"), levels = c("S", "M", "L"), ordered = TRUE),
  date = as.Date("2024-01-02"), dates = as.Date(c("2024-01-02", NA, "1969-12-31")),
  posixct_tz = as.POSIXct("2024-03-10 12:30:00", tz = "America/New_York"),
  posixct_utc = as.POSIXct(c("2024-03-10 12:30:00", NA), tz = "UTC"),
  matrix = matrix(1:6, nrow = 2), matrix_double = matrix(c(1.5, NA, 3, 4), 2),
  array3 = array(1:24, dim = c(2, 3, 4)), char_matrix = matrix(c("a", "b", "c", "d"), 2),
  raw = as.raw(c(0, 1, 255)),
  frame = data.frame(x = c(1, NA, 3), n = c(1L, 2L, NA), f = factor(c("a", "b", "a")),
                     d = as.Date(c("2024-01-01", NA, "2024-01-03")), s = c("u", NA, "w"),
                     b = c(TRUE, FALSE, NA), stringsAsFactors = FALSE),
  frame0 = data.frame(x = numeric(0), s = character(0), stringsAsFactors = FALSE),
  frame_rownames = data.frame(v = 1:2, row.names = c("r1", "r2"))
)

for (name in names(rows)) {
  local({
    value <- rows[[name]]
    test_that(sprintf("round trip: %s", name), {
      expect_identical(roundtrip(value), value)
    })
  })
}

test_that("an lm fit, a closure and an environment travel as R-native blobs", {
  fit <- lm(dist ~ speed, data = cars)
  back <- roundtrip(fit)
  expect_s3_class(back, "lm")
  expect_identical(coef(back), coef(fit))
  expect_identical(predict(back, data.frame(speed = 10)), predict(fit, data.frame(speed = 10)))
  f <- function(x) x + 1
  back_f <- roundtrip(f)
  expect_true(is.function(back_f))
  expect_identical(back_f(1), 2)
  e <- new.env()
  assign("k", 42, envir = e)
  expect_identical(get("k", envir = roundtrip(e)), 42)
})

test_that("Python sees R values as the table says", {
  expect_identical(python_type(1.5), "builtins.float")
  expect_identical(python_type(c(1L, NA)), "numpy.ma.MaskedArray")
  expect_identical(python_type(c(1.5, 2)), "numpy.ndarray")
  expect_identical(python_type(list(a = 1)), "builtins.dict")
  expect_identical(python_type(list(1, 2)), "builtins.list")
  expect_identical(python_type(factor("a")), "pandas.Categorical")
  expect_identical(python_type(c(a = 1, b = 2)), "pandas.Series")
  expect_identical(python_type(rows$frame), "pandas.DataFrame")
  expect_identical(python_type(rows$posixct_tz), "pandas.Timestamp")
  expect_identical(python_type(lm(dist ~ speed, cars)), "duoflow.datastore.codecs.robject.RObject")
  expect_match(testing()$python_view(duoflow:::to_wire(matrix(1:6, 2)))$repr, "[[1, 3, 5],", fixed = TRUE)
})
