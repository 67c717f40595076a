"""py_ecc raises the interpreter's recursion limit to 100,000 for the whole process when it is
imported (see randcheck/core/draw/drand.py, which imports it lazily, behind a guard that keeps
the limit).  test_drand.py imports py_ecc itself, and this folder is collected before tests
that parse deeply nested JSON run (a C stack overflow under such a limit, not RecursionError):
load it here, through randcheck's guard, before any test module of this folder is imported."""

from randcheck.core.draw import drand

drand._load_py_ecc()
