"""Admin views to import intervenants, centres and missions from CSV/XLSX (upload →
dry-run preview → confirm). Their hooks register when wagtail_hooks imports this module."""
