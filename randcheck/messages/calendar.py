"""Working-day calendar (``randcheck calendar``): office calendar files, unknown years, help."""

MESSAGES: dict[str, dict[str, str]] = {
    # file-level errors of an office calendar file
    "calendar.bad_rows": {
        "zh": "节假日安排文件 {file} 有 {count} 处错误，未做任何更改",
        "en": "holiday arrangement file {file} has {count} bad values; nothing was changed",
    },
    "calendar.no_rows": {
        "zh": "节假日安排文件 {file} 没有数据行：每行应是一个日期和类型（休/班）",
        "en": "holiday arrangement file {file} has no data rows: each row should be a date and a kind (holiday/workday)",
    },
    "calendar.missing_columns": {
        "zh": "节假日安排文件 {file} 缺少列：{columns}（第一行须是表头，含“日期”和“类型”两列）",
        "en": "holiday arrangement file {file} lacks the column(s) {columns} (the first row must be a header with a date column and a kind column)",
    },
    "calendar.bad_encoding": {
        "zh": "节假日安排文件 {file} 编码无法识别：既不是 UTF-8 也不是 GBK/GB18030（第 {offset} 字节）",
        "en": "holiday arrangement file {file} has an unknown encoding: neither UTF-8 nor GBK/GB18030 (at byte {offset})",
    },
    # row-level reasons (rows=[RowError(...)])
    "calendar.bad_date": {
        "zh": "日期无法识别：应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年M月D日 形式的有效日期",
        "en": "not a date: expected a valid YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日",
    },
    "calendar.bad_kind": {
        "zh": "类型无法识别：放假填“休”（或 休息、假），调休上班填“班”（或 上班、补班）",
        "en": "unknown kind: a day off is 休/休息/假/holiday/off, a make-up working day is 班/上班/补班/workday/work",
    },
    "calendar.holiday_on_weekend": {
        "zh": "这一天是周六或周日，本来就不上班，列为放假没有作用：请检查日期是否写错",
        "en": "this day is a Saturday or Sunday, off anyway, so listing it as a holiday changes nothing: check the date for a typo",
    },
    "calendar.workday_on_weekday": {
        "zh": "这一天是周一至周五，本来就上班，列为调休上班没有作用：请检查日期是否写错",
        "en": "this day is a weekday, a working day anyway, so listing it as a make-up working day changes nothing: check the date for a typo",
    },
    "calendar.duplicate_date": {
        "zh": "同一日期在前面的行中已经出现过",
        "en": "the same date already appears in an earlier row",
    },
    # a deadline that needs a year the calendar does not know
    "calendar.unknown_year": {
        "zh": "工作日日历中没有 {year} 年的节假日安排，落在该年的期限显示为“待定”。请在国务院办公厅关于{year}年部分节假日安排的通知发布后，按通知整理成文件并运行 randcheck calendar import 文件",
        "en": "the working-day calendar does not know the year {year}, so deadlines in it are shown as unknown. Once the State Council has published its notice on {year}'s public holidays (国务院办公厅关于{year}年部分节假日安排的通知), enter it as a file and run `randcheck calendar import FILE`",
    },
    # command help
    "calendar.help": {
        "zh": "工作日日历：法定节假日与调休上班日，用于按工作日计算期限",
        "en": "Working-day calendar: statutory holidays and make-up working days, for deadlines counted in working days.",
    },
    "calendar.import.help": {
        "zh": "导入本机关维护的节假日安排文件（CSV，列：日期、类型），补充内置日历没有的年份或更正某一年；文件中出现的每一年都按整年替换",
        "en": "Import an office-maintained holiday arrangement file (CSV with date and kind columns) for years the shipped calendar lacks, or to correct a year; each year in the file replaces that whole year.",
    },
    "calendar.show.help": {
        "zh": "显示日历已知的年份，或某一年的放假日和调休上班日",
        "en": "Show the years the calendar knows, or one year's holidays and make-up working days.",
    },
}
