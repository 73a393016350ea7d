"""The bridge the R package uses: R flow specs, R step functions, and R <-> Python values.

R reaches it through reticulate. Values cross as plain "wire" dicts of bytes, strings and lists
(never through reticulate's numpy or pandas conversion, which breaks with numpy 2 on the
reticulate that Debian ships), and become the Python views of the round-trip table (numpy
arrays, pandas objects, dicts, lists), which the shared codecs then store.
"""
