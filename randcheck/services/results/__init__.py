"""一公开: inspection results of a task's current record, their working-day clock, their signed
publication and the inspection history that feeds the next draw.

* :mod:`.context` — what a task's results are about: targets after addenda, items, teams;
* :mod:`.entry` — the entry template and ``results import`` (all-or-nothing, corrections);
* :mod:`.clock` — the working-day calendar (shipped + office years) and ``results due``;
* :mod:`.publication` — signed results documents (docs/RESULTS-SPEC.md);
* :mod:`.history` — ``history import`` and the per-entity history the announcement uses;
* :mod:`.export` — the 国家企业信用信息公示系统 export.
"""
