"""The publication bundle ``publish/<task>/`` (docs/SPEC.md §14): one home for its format.

``layout`` names every file and holds the format version and the ``SHA256SUMS`` rules;
``table`` builds, writes and reads results.csv / results.xlsx (with the inert-cell rule).
The writer (:mod:`randcheck.services.publish`) and the reader (:mod:`randcheck.services.verify`)
both use these modules, so a rule changes in one place for both.  Pure: bytes and text in and
out, no database, no files.
"""
