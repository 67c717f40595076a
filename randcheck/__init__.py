"""randcheck: provably fair 双随机、一公开 inspection draws."""

__version__ = "0.1.0"
