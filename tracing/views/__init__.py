"""Back-office views under /smittesporing/ (B-1…B-4). Every view is wrapped by
accounts.decorators.staff_required and reaches tracing data only through tracing.access."""
