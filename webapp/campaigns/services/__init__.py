"""The campaign procedure's use cases: one transaction per public function (see `webapp.core.services`)."""
