"""``assert_same``: exact equality of Python values, types and dtypes included (NaN equals NaN,
-0.0 differs from 0.0), for the round-trip tests."""

from __future__ import annotations

import math
from typing import Any


def assert_same(actual: Any, expected: Any, check_order: bool = False, path: str = "value") -> None:
    """Fail unless ``actual`` is exactly ``expected``: same type, dtype, shape, values, names."""
    assert type(actual) is type(expected), "%s: type %r, expected %r" % (path, type(actual), type(expected))
    for kind, check in _CHECKS:
        if kind(expected):
            check(actual, expected, check_order, path)
            return
    assert actual == expected, "%s: %r != %r" % (path, actual, expected)


def _is(*names):
    def test(value):
        module = type(value).__module__.split(".")[0]
        return module in names
    return test


def _float(actual, expected, _order, path):
    if math.isnan(expected):
        assert math.isnan(actual), "%s: %r, expected NaN" % (path, actual)
    else:
        assert actual == expected and math.copysign(1, actual) == math.copysign(1, expected), \
            "%s: %r != %r" % (path, actual, expected)


def _complex(actual, expected, order, path):
    _float(actual.real, expected.real, order, path + ".real")
    _float(actual.imag, expected.imag, order, path + ".imag")


def _sequence(actual, expected, order, path):
    assert len(actual) == len(expected), "%s: length %d != %d" % (path, len(actual), len(expected))
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert_same(a, e, order, "%s[%d]" % (path, i))


def _dict(actual, expected, order, path):
    assert len(actual) == len(expected), "%s: keys %r != %r" % (path, list(actual), list(expected))
    for i, ((ka, va), (ke, ve)) in enumerate(zip(actual.items(), expected.items())):
        assert_same(ka, ke, order, "%s key #%d" % (path, i))  # order kept
        assert_same(va, ve, order, "%s[%r]" % (path, ke))


def _numpy(actual, expected, order, path):
    import numpy as np

    if isinstance(expected, np.generic):
        assert actual.dtype == expected.dtype, "%s: dtype %s != %s" % (path, actual.dtype, expected.dtype)
        _arrays(np.asarray(actual), np.asarray(expected), False, path)
        return
    if isinstance(expected, np.ma.MaskedArray):
        assert (actual.mask is np.ma.nomask) == (expected.mask is np.ma.nomask), "%s: nomask differs" % path
        np.testing.assert_array_equal(np.ma.getmaskarray(actual), np.ma.getmaskarray(expected), err_msg=path + " mask")
        assert actual.fill_value == expected.fill_value, "%s: fill value %r != %r" % (path, actual.fill_value, expected.fill_value)
        _arrays(actual.data, expected.data, order, path + ".data")  # values under the mask too
        return
    _arrays(actual, expected, order, path)


def _arrays(actual, expected, order, path):
    import numpy as np

    assert actual.dtype == expected.dtype, "%s: dtype %s != %s" % (path, actual.dtype, expected.dtype)
    assert actual.shape == expected.shape, "%s: shape %s != %s" % (path, actual.shape, expected.shape)
    if order:
        assert actual.flags.f_contiguous == expected.flags.f_contiguous, "%s: memory order differs" % path
        assert actual.flags.c_contiguous == expected.flags.c_contiguous, "%s: memory order differs" % path
    kind = expected.dtype.kind
    if kind == "O":
        for i, (a, e) in enumerate(zip(actual.ravel(), expected.ravel())):
            assert_same(a, e, order, "%s.flat[%d]" % (path, i))
    elif kind in "fc":
        a, e = actual.ravel(), expected.ravel()
        np.testing.assert_array_equal(a, e, err_msg=path)  # NaN == NaN here
        assert (np.signbit(a.real) == np.signbit(e.real)).all(), "%s: sign of zero differs" % path
    elif kind in "mM":
        np.testing.assert_array_equal(actual.view("i8"), expected.view("i8"), err_msg=path)  # NaT too
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=path)


def _pandas(actual, expected, _order, path):
    import pandas as pd
    import pandas.testing as pdt

    if isinstance(expected, pd.DataFrame):
        pdt.assert_frame_equal(actual, expected, check_exact=True, check_index_type=True,
                               check_column_type=True, check_categorical=True, check_freq=True, obj=path)
        assert actual.attrs == expected.attrs, path + ": attrs differ"
        for i in range(expected.shape[1]):
            _objects(actual.iloc[:, i], expected.iloc[:, i], "%s.iloc[:, %d]" % (path, i))
        _objects(actual.index, expected.index, path + ".index")
    elif isinstance(expected, pd.Series):
        pdt.assert_series_equal(actual, expected, check_exact=True, check_index_type=True,
                                check_categorical=True, obj=path)
        assert_same(actual.name, expected.name, False, path + ".name")
        _objects(actual, expected, path)
    elif isinstance(expected, pd.Index):
        pdt.assert_index_equal(actual, expected, exact=True, check_exact=True, check_categorical=True, obj=path)
        assert_same(actual.name, expected.name, False, path + ".name")
    elif isinstance(expected, pd.Categorical):
        assert actual.ordered == expected.ordered, path + ": ordered differs"
        pdt.assert_index_equal(actual.categories, expected.categories, exact=True, obj=path + " levels")
        _arrays(actual.codes, expected.codes, False, path + " codes")
    else:
        pdt.assert_extension_array_equal(actual, expected, check_exact=True)


def _objects(actual, expected, path):
    """pandas treats None and NaN alike as missing; an object column must keep which it had."""
    if expected.dtype == object:
        _sequence(list(actual.to_numpy(dtype=object)), list(expected.to_numpy(dtype=object)), False, path)


def _robject(actual, expected, _order, path):
    assert actual.r_class == expected.r_class and actual.data == expected.data, path


_CHECKS = [
    (lambda v: type(v) is float, _float),
    (lambda v: type(v) is complex, _complex),
    (lambda v: type(v) in (list, tuple), _sequence),
    (lambda v: type(v) is dict, _dict),
    (_is("numpy"), _numpy),
    (_is("pandas"), _pandas),
    (lambda v: type(v).__name__ == "RObject", _robject),
]
