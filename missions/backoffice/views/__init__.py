"""Custom Wagtail admin views of the staff workflows (convocations, service fait, DEC
control, payments, dashboard). Each module registers its own hooks."""
