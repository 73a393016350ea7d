#' Add a parameter to a flow
#'
#' Parameters are given on the command line (`Rscript flow.R run --top_k 3`) or to [run()]
#' (`run(flow, top_k = 3)`), and read in steps as `self$top_k`. They are read-only.
#'
#' @param flow A flow from [metaflow()].
#' @param parameter The parameter's name; it is also the option name (`--top_k`; underscores stay).
#' @param required `TRUE` if the run must be given a value.
#' @param help Text for `--help`.
#' @param separator Split a string value into a vector at this separator.
#' @param default The value when none is given.
#' @param type `"int"`, `"float"`, `"str"`, `"bool"` or `"json"` (R names such as `"integer"`,
#'   `"numeric"`, `"character"`, `"logical"` work too). Inferred from `default` when `NULL`.
#' @param is_flag `TRUE` for a switch without a value (`--verbose`).
#' @return A new flow with the parameter added.
#' @examples
#' metaflow("F") %>% parameter("top_k", default = 5L, help = "how many to keep")
#' @export
parameter <- function(flow, parameter, required = FALSE, help = NULL, separator = NULL, default = NULL,
                      type = NULL, is_flag = FALSE) {
  if (!is_flow(flow)) {
    duoflow_abort("not_a_flow", "parameter() adds a parameter to a flow made by metaflow()")
  }
  if (!is_identifier(parameter) || parameter %in% reserved_names) {
    duoflow_abort("bad_parameter", sprintf("%s is not a valid parameter name", format_value(parameter)),
                  hint = "Use letters, digits and underscores, starting with a letter.")
  }
  if (parameter %in% names(flow$parameters)) {
    duoflow_abort("bad_parameter", sprintf("Flow %s already has a parameter '%s'", flow$name, parameter))
  }
  type <- parameter_type(parameter, type, default, is_flag)
  flow$parameters[[parameter]] <- list(name = parameter, required = isTRUE(required), help = help,
                                       separator = separator, default = default, type = type,
                                       is_flag = isTRUE(is_flag))
  flow
}

parameter_type <- function(name, type, default, is_flag) {
  if (isTRUE(is_flag)) return("bool")
  if (is.null(type)) {
    if (is.null(default)) return("str")
    if (is.logical(default)) return("bool")
    if (is.integer(default)) return("int")
    if (is.numeric(default)) return("float")
    if (is.character(default)) return("str")
    return("json")
  }
  aliases <- c(int = "int", integer = "int", float = "float", double = "float", numeric = "float",
               str = "str", string = "str", character = "str", bool = "bool", logical = "bool",
               json = "json")
  if (!is.character(type) || length(type) != 1L || !type %in% names(aliases)) {
    duoflow_abort("bad_parameter", sprintf("Parameter '%s' has an unknown type %s", name, format_value(type)),
                  hint = "Use \"int\", \"float\", \"str\", \"bool\" or \"json\".")
  }
  aliases[[type]]
}
