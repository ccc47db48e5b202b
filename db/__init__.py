"""Storage: typed models, the async engine and session factory, query functions, migrations."""
