"""Builds the optional C accelerator randcheck._native (see randcheck/_native.c).

Everything else is declared in pyproject.toml. The extension is optional: without a C
compiler the install still succeeds and randcheck runs its pure-Python twins
(randcheck/core/draw/accel.py), which give the same results, only slower.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "randcheck._native",
            ["randcheck/_native.c"],
            extra_compile_args=["-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
            optional=True,
        )
    ]
)
