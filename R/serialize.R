# R values <-> "wires": plain lists of raw bytes, strings and lists that the Python bridge turns
# into the Python views of the round-trip table (python/duoflow/rbridge/convert.py documents the
# format). Only base R is used, so no conversion depends on reticulate's numpy support.
# A vector travels as its memory: writeBin() of the values (R's NA written in place, as R keeps
# it) and readBin() on the way back; strings as one buffer of NUL-terminated UTF-8 strings,
# which writeBin()/readBin(what = "character") write and read in one call each.

# Attributes an atomic vector may carry and still travel as a vector (others: R-native blob).
# duoflow_dtype / duoflow_python keep what a Python value was (a numpy dtype, a tuple, ...) so R
# writes it back as it came (tests/fixtures/roundtrip/README.md).
vector_attributes <- c("names", "dim", "levels", "class", "tzone", "units", "duoflow_dtype", "duoflow_python")
vector_classes <- list(character(0), "factor", c("ordered", "factor"), "Date", c("POSIXct", "POSIXt"), "difftime")

#' Turn an R value into a wire for Python
#' @param x Any R value.
#' @return A list describing the value.
#' @keywords internal
to_wire <- function(x) {
  if (is.null(x)) return(list(kind = "null"))
  if (inherits(x, "python.builtin.object")) return(list(kind = "py", object = x))
  if (is.data.frame(x) && travels_as_frame(x)) return(frame_wire(x))
  if (is.raw(x) && is.null(attributes(x))) return(list(kind = "raw", data = x))
  if (is.atomic(x) && travels_as_vector(x)) return(vector_wire(x))
  if (is.list(x) && travels_as_list(x)) return(list_wire(x))
  list(kind = "rds", data = serialize(x, NULL), class = class(x))
}

travels_as_vector <- function(x) {
  if (!typeof(x) %in% c("logical", "integer", "double", "character", "complex")) return(FALSE)
  attrs <- names(attributes(x))
  if (!all(attrs %in% vector_attributes)) return(FALSE)
  cls <- attr(x, "class", exact = TRUE)
  is.null(cls) || any(vapply(vector_classes, identical, logical(1), cls))
}

travels_as_list <- function(x) {
  if (!identical(class(x), "list")) return(FALSE)
  if (!all(names(attributes(x)) %in% c("names", "duoflow_python"))) return(FALSE)
  nm <- names(x)
  is.null(nm) || (all(nzchar(nm)) && !anyDuplicated(nm))
}

travels_as_frame <- function(x) {
  identical(class(x), "data.frame") && all(names(attributes(x)) %in% c("names", "class", "row.names")) &&
    all(vapply(x, function(col) is.atomic(col) && travels_as_vector(col) && is.null(dim(col)), logical(1))) &&
    !anyDuplicated(names(x)) && all(nzchar(names(x)))
}

vector_wire <- function(x) {
  type <- typeof(x)
  values <- unclass(x)
  attributes(values) <- NULL
  wire <- list(kind = "vector", type = type)
  if (type == "character") {
    wire$strings <- strings_wire(values)
  } else {
    wire$data <- switch(type,
      logical = , integer = writeBin(values, raw(), size = 4L, endian = "little"),
      double = writeBin(values, raw(), size = 8L, endian = "little"),
      complex = writeBin(values, raw(), endian = "little"))
    if (type == "complex") wire$na <- positions_wire(is.na(values))
  }
  if (!is.null(names(x)) && is.null(dim(x))) wire$names <- strings_wire(names(x))
  if (!is.null(dim(x))) wire$dim <- as.list(as.integer(dim(x)))
  if (is.factor(x)) wire$levels <- strings_wire(levels(x))
  if (!is.null(attr(x, "class", exact = TRUE))) wire$class <- as.list(class(x))
  if (!is.null(attr(x, "tzone", exact = TRUE)) && nzchar(attr(x, "tzone"))) wire$tzone <- attr(x, "tzone")
  if (inherits(x, "difftime")) wire$units <- attr(x, "units")
  wire$py_dtype <- attr(x, "duoflow_dtype", exact = TRUE)
  wire$py_type <- attr(x, "duoflow_python", exact = TRUE)
  wire
}

# Strings as one buffer: NUL-terminated UTF-8 (NA written as "NA"), plus NA's positions.
strings_wire <- function(x) {
  list(text = writeBin(enc2utf8(x), raw()), n = length(x), na = positions_wire(is.na(x)))
}

# 1-based positions where `flags` is TRUE as int32 bytes, or NULL when there are none.
positions_wire <- function(flags) {
  at <- which(flags)
  if (length(at)) writeBin(at, raw(), size = 4L, endian = "little") else NULL
}

positions_from_wire <- function(data) {
  if (is.null(data)) integer() else readBin(as.raw(data), "integer", n = length(data) %/% 4L, size = 4L, endian = "little")
}

# The strings of a wire field: a buffer from strings_wire() (or Python's buffers.strings_block),
# or a plain list of strings (small fields, and strings R cannot hold).
strings_from_wire <- function(s, na = NULL) {
  if (is.null(s)) return(character())
  if (!is.list(s) || is.null(s$text)) {
    x <- as.character(unlist(s))
    x[positions_from_wire(na)] <- NA_character_
    return(x)
  }
  n <- as.integer(s$n)
  x <- if (n) readBin(as.raw(s$text), "character", n = n) else character()
  if (!is.null(s$utf8)) {  # readBin gives native strings: mark the non-ASCII ones as UTF-8
    at <- positions_from_wire(s$utf8)
    marked <- x[at]
    Encoding(marked) <- "UTF-8"
    x[at] <- marked
  }
  if (!is.null(s$na)) x[positions_from_wire(s$na)] <- NA_character_
  x
}

list_wire <- function(x) {
  wire <- list(kind = "list", items = unname(lapply(x, to_wire)),
               names = if (is.null(names(x))) NULL else as.list(names(x)))
  wire$py_type <- attr(x, "duoflow_python", exact = TRUE)
  wire
}

frame_wire <- function(x) {
  automatic <- .row_names_info(x) <= 0L  # compact 1..n (negative) or no rows (0)
  list(kind = "data.frame", columns = unname(lapply(x, vector_wire)), names = strings_wire(names(x)),
       nrow = nrow(x), row_names = if (automatic) NULL else strings_wire(as.character(row.names(x))))
}

#' Turn a wire from Python into an R value
#' @param w A wire (a list with a `kind`).
#' @return The R value.
#' @keywords internal
from_wire <- function(w) {
  switch(w$kind,
    null = NULL,
    raw = as.raw(w$data),
    py = w$object,
    rds = unserialize(as.raw(w$data)),
    list = list_from_wire(w),
    data.frame = frame_from_wire(w),
    vector = vector_from_wire(w),
    duoflow_abort("artifact_decode", sprintf("Unknown value kind '%s' from Python", w$kind),
                  hint = "The R package and the Python package may be of different versions."))
}

list_from_wire <- function(w) {
  items <- lapply(w$items, from_wire)
  if (!is.null(w$names)) names(items) <- strings_from_wire(w$names)
  if (!is.null(w$py_type)) attr(items, "duoflow_python") <- w$py_type
  items
}

vector_from_wire <- function(w) {
  type <- w$type
  values <- if (type == "character") strings_from_wire(w$strings, w$na) else numbers_from_wire(w$data, type)
  if (type == "complex" && !is.null(w$na)) values[positions_from_wire(w$na)] <- NA
  if (!is.null(w$levels)) levels(values) <- strings_from_wire(w$levels)
  if (!is.null(w$class)) class(values) <- as.character(unlist(w$class))
  if (!is.null(w$tzone)) attr(values, "tzone") <- w$tzone
  if (!is.null(w$units)) attr(values, "units") <- w$units
  if (!is.null(w$dim)) dim(values) <- as.integer(unlist(w$dim))
  if (!is.null(w$names)) names(values) <- strings_from_wire(w$names)
  if (!is.null(w$py_dtype)) attr(values, "duoflow_dtype") <- w$py_dtype
  if (!is.null(w$py_type)) attr(values, "duoflow_python") <- w$py_type
  values
}

# R's own layout (NA already in place), little-endian.
numbers_from_wire <- function(data, type) {
  data <- if (is.null(data)) raw() else as.raw(data)
  switch(type,
    logical = readBin(data, "logical", n = length(data) %/% 4L, size = 4L, endian = "little"),
    integer = readBin(data, "integer", n = length(data) %/% 4L, size = 4L, endian = "little"),
    double = readBin(data, "double", n = length(data) %/% 8L, size = 8L, endian = "little"),
    complex = readBin(data, "complex", n = length(data) %/% 16L, endian = "little"),
    duoflow_abort("artifact_decode", sprintf("Unknown vector type '%s' from Python", type),
                  hint = "The R package and the Python package may be of different versions."))
}

frame_from_wire <- function(w) {
  columns <- lapply(w$columns, vector_from_wire)
  names(columns) <- strings_from_wire(w$names)
  row_names <- if (is.null(w$row_names)) .set_row_names(as.integer(w$nrow)) else strings_from_wire(w$row_names)
  structure(columns, class = "data.frame", row.names = row_names)
}
