"""Excel (.xlsx) import and export for scoring tables: the layout bureaus already use (序号 | 考核项目 | 分数 | 评分细则)."""
