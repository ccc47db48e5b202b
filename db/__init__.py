"""Storage: typed models, the async engine and transaction factory, query functions, migrations."""
