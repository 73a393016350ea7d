#' @importFrom magrittr %>%
#' @export
magrittr::`%>%`

# Nothing is printed, installed or started when the package loads: Python is configured on the
# first call that needs it (see bridge()).
