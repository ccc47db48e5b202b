"""What users see, built from content with no I/O: button payloads and session views."""
