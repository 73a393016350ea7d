# The shared round-trip table (tests/fixtures/roundtrip): every artifact Python wrote there reads
# in R as its row's r_view says, and goes back to Python unchanged through the bridge.

fixture_root <- function() {
  candidates <- c(test_path("..", "fixtures", "roundtrip"), file.path(getwd(), "tests", "fixtures", "roundtrip"))
  root <- candidates[dir.exists(candidates)][1]
  if (is.na(root)) stop("tests/fixtures/roundtrip not found")
  normalizePath(root)
}

fixture_rows <- function() {
  rows <- list()
  for (file in list.files(file.path(fixture_root(), "rows"), pattern = "[.]json$", full.names = TRUE)) {
    data <- jsonlite::fromJSON(file, simplifyVector = FALSE)
    if (!is.null(data$rows)) data <- data$rows
    rows <- c(rows, Filter(function(r) !isFALSE(r$fixture) && !is.null(r$r_view), data))
  }
  rows
}

test_that("the shared fixtures have rows for R", {
  expect_gt(length(fixture_rows()), 90)
})

for (row in fixture_rows()) {
  local({
    r <- row
    test_that(sprintf("fixture row %s reads in R as documented", r$name), {
      store <- file.path(fixture_root(), "store", "RoundTrip")
      got <- duoflow:::from_wire(testing()$read_fixture(store, r$name))
      expected <- eval(parse(text = r$r_view))
      if (identical(r$r_compare, "call1")) {
        expect_identical(got(1), expected(1))
      } else if (identical(r$r_compare, "coef")) {
        expect_identical(class(got), class(expected))
        expect_identical(coef(got), coef(expected))
      } else {
        expect_identical(got, expected)
        expect_identical(roundtrip(got), got)
      }
    })
  })
}
