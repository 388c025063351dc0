"""Use cases: ingest, enrolment, the register queries; they own transactions."""
