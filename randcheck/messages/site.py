"""Messages of ``randcheck site build`` and the words the public site's pages are made of."""

MESSAGES: dict[str, dict[str, str]] = {
    "site.help": {
        "zh": "本单位的公示网站：事项清单、人员名录、对象名录统计、年度计划、各任务公告与结果",
        "en": "The office's public website: item list, inspector directory, entity counts, annual plan, every task's notice and results",
    },
    "site.build.help": {
        "zh": "生成静态公示网站（默认 publish/site/），只改写变化的文件，并签名 SHA256SUMS",
        "en": "Build the static public website (default publish/site/), rewriting only changed files, and sign its SHA256SUMS",
    },
    "site.opt.out": {
        "zh": "网站目录（默认：工作区的 publish/site/）",
        "en": "the site folder (default: the workspace's publish/site/)",
    },
    "site.opt.as_of": {
        "zh": "按此日期（YYYY-MM-DD，北京时间；默认今天）列出即将进行的抽取与逾期结果，统计页为该日期所在年度的数据",
        "en": "list upcoming draws and overdue results as of this day (YYYY-MM-DD, China time; default today); the statistics page shows that day's year",
    },
    "site.opt.entity_directory": {
        "zh": "同时公开检查对象的名称与代码清单（分页）",
        "en": "also publish the entities' name and code directory (in pages)",
    },
    "site.opt.key": {
        "zh": "签名 SHA256SUMS 所用的本单位密钥名称",
        "en": "name of the office key that signs SHA256SUMS",
    },
    "site.bad_as_of": {
        "zh": "--as-of 的值 {value} 不是日期（应为 YYYY-MM-DD），未生成任何文件",
        "en": "--as-of {value} is not a date (YYYY-MM-DD); nothing was written",
    },
    "site.cannot_write": {
        "zh": "无法写入网站目录 {path}：{reason}",
        "en": "cannot write the site folder {path}: {reason}",
    },
    "site.is_task_folder": {
        "zh": "网站目录 {path} 是任务 {task} 的公示文件夹：请用 --out 另选一个目录",
        "en": "the site folder {path} is the publication folder of task {task}: choose another folder with --out",
    },
    "site.busy": {
        "zh": "另一个 randcheck site build 正在本工作区运行（锁文件 {lock}）：请等它结束后再试",
        "en": "another randcheck site build is running in this workspace (lock file {lock}): try again when it has finished",
    },
    "site.bundle_changed": {
        "zh": "公示文件夹 {folder} 中的 {file} 与其 SHA256SUMS 不符：请重新运行 randcheck publish 后再生成网站",
        "en": "{file} in the bundle {folder} does not match its SHA256SUMS: run randcheck publish again, then build the site",
    },
    "site.bundle_unreadable": {
        "zh": "无法读取公示文件夹 {folder}：{reason}",
        "en": "cannot read the bundle {folder}: {reason}",
    },
    "site.done": {
        "zh": "网站已生成：{path}（共 {files} 个文件，本次写入 {written} 个，删除 {removed} 个；SHA256SUMS 摘要 {sums}）",
        "en": "site built: {path} ({files} files, {written} written, {removed} removed; SHA256SUMS digest {sums})",
    },
    "site.nav.index": {"zh": "首页", "en": "Home"},
    "site.nav.items": {"zh": "抽查事项清单", "en": "Inspection items"},
    "site.nav.inspectors": {"zh": "执法检查人员名录", "en": "Inspectors"},
    "site.nav.entities": {"zh": "检查对象名录", "en": "Entities"},
    "site.nav.plans": {"zh": "年度抽查计划", "en": "Annual plans"},
    "site.nav.stats": {"zh": "统计", "en": "Statistics"},
    "site.nav.feed": {"zh": "订阅", "en": "Feed"},
    "site.mode.directed": {"zh": "定向抽查", "en": "directed inspection"},
    "site.mode.undirected": {"zh": "不定向抽查", "en": "undirected inspection"},
    "site.scope.region": {"zh": "区域", "en": "region"},
    "site.scope.subject_type": {"zh": "主体类型", "en": "subject type"},
    "site.scope.industry": {"zh": "行业", "en": "industry"},
    "site.scope.tags": {"zh": "标签", "en": "tags"},
    "site.rule.count": {"zh": "固定 {count} 户", "en": "{count} entities"},
    "site.rule.ratio": {"zh": "比例 {ratio}", "en": "ratio {ratio}"},
    "site.size.bytes": {"zh": "{n} 字节", "en": "{n} bytes"},
    "site.size.kb": {"zh": "{n} KB", "en": "{n} KB"},
    "site.size.mb": {"zh": "{n} MB", "en": "{n} MB"},
    "site.history.import": {
        "zh": "导入清单文件 {file}：新增 {added} 项，修改 {updated} 项，停用 {deactivated} 项",
        "en": "list file {file} imported: {added} added, {updated} changed, {deactivated} withdrawn",
    },
    "site.history.added": {
        "zh": "新增（导入 {file}）",
        "en": "added (import of {file})",
    },
    "site.history.updated": {
        "zh": "修改（导入 {file}）",
        "en": "changed (import of {file})",
    },
    "site.history.deactivated": {
        "zh": "停用（导入 {file} 时不再列出）",
        "en": "withdrawn (no longer listed by the import of {file})",
    },
    "site.history.edit": {
        "zh": "修改：{fields}",
        "en": "changed: {fields}",
    },
    "site.history.deactivate": {
        "zh": "停用",
        "en": "withdrawn",
    },
    "site.history.other": {
        "zh": "变更（{kind}）",
        "en": "changed ({kind})",
    },
    "site.field.name": {"zh": "事项名称", "en": "name"},
    "site.field.legal_basis": {"zh": "抽查依据", "en": "legal basis"},
    "site.field.department": {"zh": "实施部门", "en": "department"},
    "site.field.method": {"zh": "检查方式", "en": "method"},
    "site.field.scope_tags": {"zh": "适用范围标签", "en": "scope tags"},
    "site.field.scope_filter": {"zh": "适用范围条件", "en": "scope filter"},
    "site.field.required_qualification": {"zh": "所需资格", "en": "required qualification"},
    "site.field.item_type": {"zh": "类型", "en": "type"},
    "site.field.ratio_cap": {"zh": "比例/上限", "en": "ratio cap"},
    "site.field.frequency": {"zh": "频次", "en": "frequency"},
    "site.field.active": {"zh": "启用状态", "en": "active"},
    "site.feed.title": {
        "zh": "{bureau}“双随机、一公开”公示动态",
        "en": "{bureau}: random inspection notices",
    },
    "site.feed.announce": {"zh": "抽查公告：{title}", "en": "Notice: {title}"},
    "site.feed.announce_summary": {
        "zh": "任务 {id} 已公告，计划抽取时间 {time}；名录 {pool} 户，拟抽取 {sample} 户。",
        "en": "Task {id} announced; planned draw {time}; pool {pool}, sample {sample}.",
    },
    "site.feed.draw": {"zh": "抽取结果公示：{title}", "en": "Draw published: {title}"},
    "site.feed.draw_summary": {
        "zh": "任务 {id} 于 {time} 抽取，抽取结果已公示。",
        "en": "Task {id} drawn at {time}; the draw is published.",
    },
    "site.feed.results": {
        "zh": "检查结果公示（第 {seq} 批）：{title}",
        "en": "Results (batch {seq}): {title}",
    },
    "site.feed.results_summary": {
        "zh": "任务 {id} 公示检查结果 {count} 条（其中更正 {corrections} 条）。",
        "en": "Task {id}: {count} results published ({corrections} corrections).",
    },
    "site.stats.coverage.items": {"zh": "按抽查事项", "en": "by item"},
    "site.stats.coverage.departments": {"zh": "按部门", "en": "by department"},
    "site.stats.coverage.strata": {"zh": "按抽取层", "en": "by stratum"},
    "site.stats.workload": {"zh": "检查人员工作量", "en": "inspector workload"},
    "site.stats.workload.count": {"zh": "检查人员数", "en": "inspectors"},
    "site.stats.workload.mean": {"zh": "人均检查对象", "en": "mean targets"},
    "site.stats.workload.max": {"zh": "最多", "en": "most"},
    "site.stats.workload.min": {"zh": "最少", "en": "fewest"},
    "site.stats.workload.spread": {"zh": "标准差（总体）", "en": "spread (population s.d.)"},
    "site.stats.workload.balance": {"zh": "均衡度", "en": "balance"},
    "site.stats.terms": {"zh": "检查结果分布", "en": "result terms"},
    "site.stats.unit.per_mille": {"zh": "‰", "en": "‰"},
    "site.stats.unit.entities": {"zh": "户", "en": "entities"},
    "site.stats.unit.results": {"zh": "项", "en": "results"},
    "site.stats.coverage.note": {
        "zh": "图中为抽中户数占名录户数的千分比（‰，如 7.5% 即 75‰），具体户数与比例见表。",
        "en": "The chart shows the drawn count per thousand of the pool (‰, e.g. 7.5% is 75‰); the table gives the counts and the ratio.",
    },
    "site.stats.repeated.cap": {
        "zh": "年度上限：同一检查对象每年检查不超过 {cap} 次（随机与非随机合计）。下列检查对象本年度检查次数超过该上限。",
        "en": "Annual cap: at most {cap} inspections of an entity a year (random and non-random together). Listed: the entities inspected more often this year.",
    },
    "site.stats.repeated.no_cap": {
        "zh": "本单位未设年度上限。下列检查对象本年度检查超过一次（随机与非随机合计）。",
        "en": "The office sets no annual cap. Listed: the entities inspected more than once this year (random and non-random together).",
    },
    "site.stats.repeated.none_cap": {
        "zh": "无检查次数超过年度上限（{cap} 次）的检查对象。",
        "en": "No entity was inspected more than the annual cap ({cap}).",
    },
    "site.stats.repeated.none_no_cap": {
        "zh": "无检查超过一次的检查对象。",
        "en": "No entity was inspected more than once.",
    },
    "site.stats.publication": {"zh": "检查结果公示及时性", "en": "on-time publication"},
    "site.stats.publication.on_time": {"zh": "按时公示", "en": "on time"},
    "site.stats.publication.late": {"zh": "逾期后公示", "en": "published late"},
    "site.stats.publication.overdue": {"zh": "逾期未公示", "en": "overdue"},
    "site.stats.publication.pending": {"zh": "待公示（未到期）", "en": "pending (not yet due)"},
    "site.stats.publication.unknown": {"zh": "期限待定", "en": "deadline unknown"},
    "site.stats.publication.rate": {"zh": "按时公示率", "en": "on-time rate"},
    # -- sitefixa (review #10): the site folder's checks --------------------------------
    "site.out_holds_workspace": {
        "zh": "网站目录 {path} 是或包含 {folder}：网站须另用一个目录（--out），不得与工作区或 publish 文件夹混用",
        "en": "the site folder {path} is or holds {folder}: build the site into a folder of its own (--out), not the workspace or its publish folder",
    },
    "site.out_in_workspace": {
        "zh": "网站目录 {path} 位于工作区的 {folder} 文件夹内：请用 --out 另选一个目录",
        "en": "the site folder {path} is inside the workspace's {folder} folder: choose another folder with --out",
    },
    "site.symlinked_folder": {
        "zh": "网站目录中的 {path} 是符号链接：为免写到网站目录之外，已停止，未写入任何文件；请改为普通文件夹后重试",
        "en": "{path} in the site folder is a symbolic link: stopped so as not to write outside the site folder, nothing was written; make it a plain folder and try again",
    },
}
