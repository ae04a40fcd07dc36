"""The article procedure's operations (one transaction per public function), permissions and read models."""
