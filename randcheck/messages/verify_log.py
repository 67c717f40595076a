"""Messages of ``randcheck verify``'s log-tail checks: ``log.complete`` and ``log.consistency``
(bundle format v3, docs/SPEC.md §14.6), and the ``--checkpoint`` option."""

MESSAGES: dict[str, dict[str, str]] = {
    "verify.opt.checkpoint": {
        "zh": "已持有的本机关日志检查点（签名检查点文件，可重复）：核验本文件夹的日志与它一致（日志未被改写）；须由受信任的密钥签名、同一来源",
        "en": "a log checkpoint of the office you already hold (a signed checkpoint file, repeatable): checks that the bundle's log agrees with it (the log was not rewritten); it must be signed by a trusted key, same origin",
    },
    "verify.bad_checkpoint_file": {
        "zh": "无法读取检查点文件 {path}（须为 UTF-8 文本，不超过 64 KiB）",
        "en": "cannot read the checkpoint file {path} (it must be UTF-8 text of at most 64 KiB)",
    },
    "verify.what.log.complete": {
        "zh": "本任务的日志条目都已收入（日志尾部：最后一份记录、全部补充记录与结果文件）",
        "en": "no log entry of the task is missing (the log tail: last record, every addendum and results document)",
    },
    "verify.what.log.consistency": {
        "zh": "日志与已持有的检查点一致（未被改写）",
        "en": "the log agrees with the checkpoints you hold (not rewritten)",
    },
    "verify.complete_before_v3": {
        "zh": "格式 {format} 早于 v3：不含日志尾部，无法证明没有遗漏本任务的日志条目（如补充记录）",
        "en": "format {format} is older than v3: it has no log tail, so it cannot prove that no log entry of the task (an addendum, say) was left out",
    },
    "verify.complete_ok": {
        "zh": "日志自第 {start} 条至检查点（共 {size} 条）已全部核对：本任务 {entries} 条，记录是本任务最后一份，{addenda} 份补充记录均已收入",
        "en": "the log from entry {start} up to the checkpoint (size {size}) all checked: {entries} entries of the task; the record is its last, all {addenda} addenda are included",
    },
    "verify.complete_pending": {
        "zh": "日志第 {seq} 条：本记录之后本任务又承诺或公开了一次抽取的随机数，可能正在重新抽取：请以后取得更新的公示文件夹（已核对自第 {start} 条至检查点，共 {size} 条）",
        "en": "log entry {seq}: a later draw of the task committed to or revealed its randomness after this record, a redraw may be under way: get a newer bundle later (entries from {start} up to size {size} checked)",
    },
    "verify.complete_unanswered": {
        "zh": "日志第 {seq} 条（{kind}）是本任务在本记录之前的一次正式抽取，本记录既非其结果也未说明它（未列为被重新抽取的尝试）：抽取可能被悄悄重做",
        "en": "log entry {seq} ({kind}) is an official draw attempt of the task before this record that the record neither completes nor answers for (it is not listed as a redrawn attempt): the draw may have been silently redone",
    },
    "verify.complete_no_record": {
        "zh": "日志尾部没有本记录 {record} 的 draw.record 条目",
        "en": "the log tail has no draw.record entry of this record {record}",
    },
    "verify.complete_superseded": {
        "zh": "本文件夹已过时：日志第 {seq} 条记录了本任务更晚的抽取记录 {record}，本记录已被取代",
        "en": "this bundle is stale: log entry {seq} records a later draw record {record} of the task, which supersedes this one",
    },
    "verify.complete_addendum_missing": {
        "zh": "日志第 {seq} 条记录了第 {number} 号补充记录，但文件夹中没有它（{file}）：公示不完整",
        "en": "log entry {seq} records addendum {number}, but the bundle does not hold it ({file}): the publication is incomplete",
    },
    "verify.complete_results_missing": {
        "zh": "日志第 {seq} 条记录了第 {number} 号检查结果文件，但文件夹中没有它：公示不完整",
        "en": "log entry {seq} records results document {number}, but the bundle does not hold it: the publication is incomplete",
    },
    "verify.tail_index_bad": {
        "zh": "{file} 不是规范的日志尾部说明（from、size、prefix）",
        "en": "{file} is not a well-formed log tail index (from, size, prefix)",
    },
    "verify.tail_size": {
        "zh": "日志尾部到第 {size} 条为止，检查点却有 {checkpoint} 条",
        "en": "the log tail ends at size {size}, the checkpoint has {checkpoint}",
    },
    "verify.tail_from": {
        "zh": "日志尾部从第 {start} 条开始，应从公告的日志条目（第 {announcement} 条）开始",
        "en": "the log tail starts at entry {start}, it must start at the announcement's entry ({announcement})",
    },
    "verify.tail_length": {
        "zh": "{file} 的行数不对：应为 {lines} 行",
        "en": "{file} has the wrong number of lines: {lines} expected",
    },
    "verify.tail_entry_bad": {
        "zh": "日志尾部第 {seq} 条不是规范的日志条目（或序号不对）",
        "en": "log tail entry {seq} is not a canonical log entry (or has the wrong seq)",
    },
    "verify.tail_entry_differs": {
        "zh": "日志尾部第 {seq} 条与 {file} 不同",
        "en": "log tail entry {seq} differs from {file}",
    },
    "verify.tail_root": {
        "zh": "由日志尾部重算的第 {size} 条处的根哈希与检查点不符：日志尾部不是该日志",
        "en": "the root recomputed from the log tail at size {size} is not the checkpoint's: the tail is not that log",
    },
    "verify.tail_too_many": {
        "zh": "{file} 超过 {limit} 行：未继续读取",
        "en": "{file} has more than {limit} lines; not read further",
    },
    "verify.tail_line_too_long": {
        "zh": "{file} 第 {line} 行超过 {limit} 字节：未继续读取",
        "en": "line {line} of {file} is longer than {limit} bytes; not read further",
    },
    "verify.tail_torn": {
        "zh": "{file} 第 {line} 行没有换行符结尾",
        "en": "line {line} of {file} does not end with a newline",
    },
    "verify.consistency_none": {
        "zh": "未给出已持有的检查点（--checkpoint）：无需比对",
        "en": "no held checkpoint given (--checkpoint): nothing to compare",
    },
    "verify.consistency_ok": {
        "zh": "已持有的检查点（大小 {sizes}）与本文件夹的日志（大小 {size}）一致：日志未被改写",
        "en": "the held checkpoints (sizes {sizes}) agree with the bundle's log (size {size}): the log was not rewritten",
    },
    "verify.consistency_before_v3": {
        "zh": "格式 {format} 早于 v3：不含日志尾部，无法与已持有的检查点比对",
        "en": "format {format} is older than v3: it has no log tail to compare the held checkpoints with",
    },
    "verify.held_bad": {
        "zh": "检查点 {file} 无效或不是受信任的密钥所签：{reason_code}",
        "en": "checkpoint {file} is invalid or not signed by a trusted key: {reason_code}",
    },
    "verify.held_origin": {
        "zh": "检查点 {file} 属于另一日志（{origin}），本文件夹的日志是 {expected}",
        "en": "checkpoint {file} is of another log ({origin}); the bundle's log is {expected}",
    },
    "verify.held_inconsistent": {
        "zh": "日志被改写：已持有的检查点 {file}（大小 {size}）与本文件夹的日志在该大小处的根哈希不同",
        "en": "the log was rewritten: the held checkpoint {file} (size {size}) differs from the bundle's log at that size",
    },
    "verify.held_newer": {
        "zh": "已持有的检查点 {file}（大小 {size}）比本文件夹更新：本文件夹只覆盖日志前 {covered} 条，之后可能还有本任务的条目，请向机关索取更新的公示文件夹",
        "en": "the held checkpoint {file} (size {size}) is newer than the bundle, which covers the log only up to {covered}: newer entries of the task may exist, ask for a newer bundle",
    },
    "verify.held_before_tail": {
        "zh": "已持有的检查点 {file}（大小 {size}）早于本任务的公告（日志第 {start} 条）：本文件夹无法证明两者一致，需向机关索取一致性证明",
        "en": "the held checkpoint {file} (size {size}) predates the task's announcement (log entry {start}): the bundle cannot prove consistency with it; ask the office for a consistency proof",
    },
}
