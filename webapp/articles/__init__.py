"""Information articles (信息稿件报送): the second procedure, beside grading (see docs/architecture.md)."""
